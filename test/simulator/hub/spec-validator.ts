import { readFileSync } from 'node:fs';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

type Json = Record<string, unknown>;

export interface SpecOperation {
  readonly responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface SpecDocument {
  readonly paths: Record<string, Record<string, SpecOperation>>;
  readonly components: { schemas: Record<string, unknown> };
}

/**
 * Known, deliberate differences between the simulator and KNIME's execution-service document.
 * Each follows a recorded Hub body or the reference's choice, which win over the document:
 * - `date-time`: the Hub writes Java `ZonedDateTime` text such as `2025-06-26T10:02:58.103Z[GMT]`
 *   (recorded deployment list), which RFC 3339 does not allow; the check strips the `[Zone]`.
 * - `BaseWorkflowJob.deploymentId` is typed `uuid`, but its value has the form
 *   `rest:<uuid>` (the document's own filter description calls it fully qualified).
 */
const SCHEMA_PATCHES: ReadonlyArray<{ schema: string; property: string; format: string }> = [
  { schema: 'BaseWorkflowJob', property: 'deploymentId', format: 'deployment-id' },
];

/** Formats the document uses that JSON Schema does not define; they are not checked. */
const UNCHECKED_FORMATS = ['fully qualified identifier', 'UUID'];

const ZONED_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))(?:\[[A-Za-z0-9_/+-]+\])?$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const DEPLOYMENT_ID = new RegExp(`^(?:(?:rest|schedule|data-app|trigger):)?${UUID}$`, 'i');

/** Loads the YAML document and compiles response-schema validators on demand. */
export class SpecValidator {
  readonly document: SpecDocument;
  readonly #ajv: InstanceType<typeof Ajv>;
  readonly #cache = new Map<unknown, ValidateFunction>();

  constructor(file: string) {
    this.document = parse(readFileSync(file, 'utf8')) as SpecDocument;
    const schemas = structuredClone(this.document.components.schemas) as Record<string, Json>;
    for (const patch of SCHEMA_PATCHES) {
      const properties = schemas[patch.schema]?.properties as Record<string, Json> | undefined;
      const property = properties?.[patch.property];
      if (!property) throw new Error(`schema patch target ${patch.schema}.${patch.property} is missing`);
      property.format = patch.format;
    }

    this.#ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    this.#ajv.addFormat('date-time', (value: string) => {
      const match = ZONED_DATE_TIME.exec(value);
      return match !== null && !Number.isNaN(Date.parse(match[1] as string));
    });
    this.#ajv.addFormat('deployment-id', DEPLOYMENT_ID);
    for (const name of UNCHECKED_FORMATS) this.#ajv.addFormat(name, true);
    this.#ajv.addSchema({ $id: 'execution-service', components: { schemas: toJsonSchema(schemas) } });
  }

  /** The operation, or undefined when the document has no such path and method. */
  operation(method: string, path: string): SpecOperation | undefined {
    return this.document.paths[path]?.[method.toLowerCase()];
  }

  /** Validates `body` against an OpenAPI schema; returns the error texts (empty when valid). */
  validate(schema: unknown, body: unknown): string[] {
    let validate = this.#cache.get(schema);
    if (!validate) {
      validate = this.#ajv.compile({
        $id: `response-${this.#cache.size}`,
        ...(rebase(toJsonSchema(schema)) as Json),
      });
      this.#cache.set(schema, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || '(root)'} ${error.message} ${JSON.stringify(error.params)}`,
    );
  }
}

/**
 * Converts OpenAPI 3.0 schema objects to JSON Schema: `nullable: true` adds `null` to the allowed
 * types, and the generator's `enum: [null]` beside an `anyOf` (its rendering of a nullable union)
 * becomes an `anyOf` branch `{type: 'null'}`.
 */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;

  const result: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'nullable') continue;
    result[key] = toJsonSchema(value);
  }
  const source = schema as Json;
  const enumValues = source.enum as unknown[] | undefined;
  if (Array.isArray(result.anyOf) && enumValues?.length === 1 && enumValues[0] === null) {
    delete result.enum;
    result.anyOf = [...result.anyOf, { type: 'null' }];
  }
  if (source.nullable === true) {
    if (typeof result.type === 'string') result.type = [result.type, 'null'];
    if (Array.isArray(result.enum) && !result.enum.includes(null)) result.enum = [...result.enum, null];
  }
  return result;
}

/** Points `#/components/schemas/X` refs of a response schema at the registered document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  const result: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    result[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `execution-service${value}`
        : rebase(value);
  }
  return result;
}
