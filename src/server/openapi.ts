/**
 * Reads a workflow's inputs, outputs and resources from its `:openapi` document.
 *
 * `components.schemas.InputParameters` is the name public clients read. The output schema is
 * presumably `OutputParameters`. How resources are wrapped is not documented, so the parser looks
 * at `InputResources`/`OutputResources` schemas and at binary properties of multipart request
 * bodies in `paths`.
 */
import type { OpenApiObjectSchema, ServerWorkflowOpenApi } from '../formats/server-v4.js';
import type { ParameterDescription, ResourceDescription, WorkflowDescription } from '../job/types.js';

/** Fully qualified parameter name: `<short name>-<node id path>`, such as `convert-int-16:17`. */
const FULLY_QUALIFIED_NAME = /^(.+)-(\d+(?::\d+)*)$/;

/** Short name of a parameter: the name without a trailing `-<node id path>`. */
export function shortParameterName(name: string): string {
  return FULLY_QUALIFIED_NAME.exec(name)?.[1] ?? name;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function parameters(schema: OpenApiObjectSchema | undefined): ParameterDescription[] {
  const properties = asRecord(schema?.properties) ?? {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  return Object.entries(properties).map(([name, value]) => {
    const property = asRecord(value) ?? {};
    return {
      name,
      shortName: shortParameterName(name),
      description: typeof property.description === 'string' ? property.description : '',
      required: required.has(name) || property.required === true,
      schema: property,
      example: property.example,
    };
  });
}

function resourcesFromSchema(value: unknown): ResourceDescription[] {
  const record = asRecord(value);
  if (!record) return [];
  // Either a schema, or a KNIME fragment `{ schema, encoding }`.
  const schema = asRecord(record.schema) ?? record;
  const encoding = asRecord(record.encoding) ?? {};
  return Object.entries(asRecord(schema.properties) ?? {}).map(([name, property]) => {
    const contentType = asRecord(encoding[name])?.contentType;
    const description = asRecord(property)?.description;
    return {
      name,
      shortName: shortParameterName(name),
      contentType: typeof contentType === 'string' ? contentType : undefined,
      description: typeof description === 'string' ? description : '',
    };
  });
}

/** Binary properties of multipart request bodies anywhere in `paths`. */
function resourcesFromPaths(paths: unknown): ResourceDescription[] {
  const found = new Map<string, ResourceDescription>();
  for (const pathItem of Object.values(asRecord(paths) ?? {})) {
    for (const operation of Object.values(asRecord(pathItem) ?? {})) {
      const content = asRecord(asRecord(asRecord(operation)?.requestBody)?.content);
      const multipart = asRecord(content?.['multipart/form-data']);
      if (!multipart) continue;
      for (const resource of resourcesFromSchema(multipart)) {
        const property = asRecord(asRecord(asRecord(multipart.schema)?.properties)?.[resource.name]);
        if (property?.format === 'binary' && !found.has(resource.name)) found.set(resource.name, resource);
      }
    }
  }
  return [...found.values()];
}

/** Builds the description of `workflow` from its `:openapi` document. */
export function describeFromOpenApi(workflow: string, document: unknown): WorkflowDescription {
  const openapi = (asRecord(document) ?? {}) as ServerWorkflowOpenApi;
  const schemas = openapi.components?.schemas ?? {};
  const inputs = parameters(schemas.InputParameters);
  const outputs = parameters(schemas.OutputParameters);

  let inputResources = resourcesFromSchema(schemas.InputResources);
  if (inputResources.length === 0) {
    const inputNames = new Set(inputs.map((input) => input.name));
    inputResources = resourcesFromPaths(openapi.paths).filter((resource) => !inputNames.has(resource.name));
  }
  const outputResources = resourcesFromSchema(schemas.OutputResources);
  return { workflow, inputs, outputs, inputResources, outputResources };
}
