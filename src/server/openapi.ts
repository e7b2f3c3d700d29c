/**
 * Reads a workflow's inputs, outputs and resources from its `:openapi` document.
 *
 * `components.schemas.InputParameters` is the name public clients read. The output schema is
 * presumably `OutputParameters`. How resources are wrapped is not documented, so the parser looks
 * at `InputResources`/`OutputResources` schemas and at binary properties of multipart request
 * bodies in `paths`.
 */

import { ProtocolError, type RequestInfo } from '../errors/index.js';
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

/** Follows a local `$ref` such as `#/components/schemas/InputResources`. */
function resolveRef(document: Record<string, unknown>, value: unknown): Record<string, unknown> | undefined {
  const record = asRecord(value);
  const ref = record?.$ref;
  if (typeof ref !== 'string') return record;
  if (!ref.startsWith('#/')) return undefined;
  let target: unknown = document;
  for (const segment of ref.slice(2).split('/'))
    target = asRecord(target)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  return asRecord(target);
}

/**
 * Resources of an object schema, or of a KNIME fragment `{ schema, encoding }`. Content types come
 * from the fragment's `encoding`, or from `encodings` (multipart encodings found in `paths`).
 */
function resourcesFromSchema(
  document: Record<string, unknown>,
  value: unknown,
  encodings: ReadonlyMap<string, string>,
): ResourceDescription[] {
  const record = resolveRef(document, value);
  if (!record) return [];
  const schema = resolveRef(document, record.schema) ?? record;
  const encoding = asRecord(record.encoding) ?? {};
  return Object.entries(asRecord(schema.properties) ?? {}).map(([name, property]) => {
    const contentType = asRecord(encoding[name])?.contentType ?? encodings.get(name);
    const description = asRecord(property)?.description;
    return {
      name,
      shortName: shortParameterName(name),
      contentType: typeof contentType === 'string' ? contentType : undefined,
      description: typeof description === 'string' ? description : '',
    };
  });
}

/** Multipart request bodies anywhere in `paths`. */
function multipartBodies(document: Record<string, unknown>): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  for (const pathItem of Object.values(asRecord(document.paths) ?? {})) {
    for (const operation of Object.values(asRecord(pathItem) ?? {})) {
      const content = asRecord(asRecord(asRecord(operation)?.requestBody)?.content);
      const multipart = asRecord(content?.['multipart/form-data']);
      if (multipart) bodies.push(multipart);
    }
  }
  return bodies;
}

/** Binary properties of the multipart request bodies, as input resources. */
function resourcesFromPaths(
  document: Record<string, unknown>,
  encodings: ReadonlyMap<string, string>,
): ResourceDescription[] {
  const found = new Map<string, ResourceDescription>();
  for (const multipart of multipartBodies(document)) {
    const schema = resolveRef(document, multipart.schema);
    for (const resource of resourcesFromSchema(document, multipart, encodings)) {
      const property = resolveRef(document, asRecord(schema?.properties)?.[resource.name]);
      if (property?.format === 'binary' && !found.has(resource.name)) found.set(resource.name, resource);
    }
  }
  return [...found.values()];
}

/**
 * Rejects a `:openapi` reply that is not an OpenAPI document: an object needs an `openapi` or
 * `swagger` version string, or a `components` or `paths` object. Without this check, such a reply
 * would read as a workflow without inputs, and the caller would see a wrong input error.
 * @throws ProtocolError naming the request and what the reply was
 */
export function checkOpenApiDocument(document: unknown, request: RequestInfo): void {
  const root = asRecord(document);
  const looksLikeOpenApi =
    root !== undefined &&
    (typeof root.openapi === 'string' ||
      typeof root.swagger === 'string' ||
      asRecord(root.components) !== undefined ||
      asRecord(root.paths) !== undefined);
  if (looksLikeOpenApi) return;

  const found =
    document === null || document === undefined || document === ''
      ? 'an empty body'
      : Array.isArray(document)
        ? 'a JSON array'
        : root
          ? `a JSON object without "openapi", "components" or "paths" (keys: ${Object.keys(root).slice(0, 5).join(', ') || 'none'})`
          : `a JSON ${typeof document}`;
  throw new ProtocolError(
    `${request.method} ${request.url} returned ${found} instead of an OpenAPI document; check that the URL ` +
      'points at a KNIME Server REST API and that the path names a workflow',
    { request },
  );
}

/** Builds the description of `workflow` from its `:openapi` document. */
export function describeFromOpenApi(workflow: string, document: unknown): WorkflowDescription {
  const root = asRecord(document) ?? {};
  const openapi = root as ServerWorkflowOpenApi;
  const schemas = openapi.components?.schemas ?? {};
  const inputs = parameters(schemas.InputParameters);
  const outputs = parameters(schemas.OutputParameters);

  const encodings = new Map<string, string>();
  for (const multipart of multipartBodies(root)) {
    for (const [name, encoding] of Object.entries(asRecord(multipart.encoding) ?? {})) {
      const contentType = asRecord(encoding)?.contentType;
      if (typeof contentType === 'string') encodings.set(name, contentType);
    }
  }

  let inputResources = resourcesFromSchema(root, schemas.InputResources, encodings);
  if (inputResources.length === 0) {
    const inputNames = new Set(inputs.map((input) => input.name));
    inputResources = resourcesFromPaths(root, encodings).filter((resource) => !inputNames.has(resource.name));
  }
  const outputResources = resourcesFromSchema(root, schemas.OutputResources, new Map());
  return { workflow, inputs, outputs, inputResources, outputResources };
}
