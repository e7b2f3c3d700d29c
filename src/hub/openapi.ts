/**
 * Inputs and outputs of a Hub workflow or REST deployment, from the per-workflow OpenAPI document
 * of `GET /jobs/open-api` or `GET /deployments/{id}/open-api`. Inputs are under
 * `components.schemas.InputParameters`, file inputs in the multipart request body of the
 * `/execution` path, outputs under `OutputValues` (or `OutputParameters`), and output resources
 * under the `x-knime-output-resources` extension of the POST operation.
 */
import type { ResourceDescription, WorkflowDescription } from '../job/types.js';
import { describeFromOpenApi, shortParameterName } from '../server/openapi.js';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Builds the description of `workflow` from a Hub OpenAPI document. */
export function describeHubOpenApi(workflow: string, document: unknown): WorkflowDescription {
  const root = asRecord(document) ?? {};
  const components = asRecord(root.components) ?? {};
  const schemas = asRecord(components.schemas) ?? {};
  // The Server parser reads outputs from `OutputParameters`; the Hub names them `OutputValues`.
  const normalised =
    schemas.OutputParameters === undefined && schemas.OutputValues !== undefined
      ? {
          ...root,
          components: { ...components, schemas: { ...schemas, OutputParameters: schemas.OutputValues } },
        }
      : root;
  const description = describeFromOpenApi(workflow, normalised);

  if (description.outputResources.length === 0) {
    description.outputResources = outputResourcesOf(root);
  }
  return description;
}

function outputResourcesOf(root: Record<string, unknown>): ResourceDescription[] {
  const found = new Map<string, ResourceDescription>();
  for (const pathItem of Object.values(asRecord(root.paths) ?? {})) {
    for (const operation of Object.values(asRecord(pathItem) ?? {})) {
      const resources = asRecord(asRecord(operation)?.['x-knime-output-resources']) ?? {};
      for (const [name, value] of Object.entries(resources)) {
        const entry = asRecord(value) ?? {};
        found.set(name, {
          name,
          shortName: shortParameterName(name),
          contentType: typeof entry.contentType === 'string' ? entry.contentType : undefined,
          description: typeof entry.description === 'string' ? entry.description : '',
        });
      }
    }
  }
  return [...found.values()];
}
