/**
 * Input values: builders for KNIME's Container Input formats, and the local check of inputs
 * against a workflow's description, which runs before anything is created on the server.
 */
import { basename } from 'node:path';
import { InvalidInputError } from '../errors/index.js';
import type { FileInput, Inputs, PreparedInputs, WorkflowDescription } from './types.js';

/** Column types of Container Input (Table). */
export type TableColumnType =
  | 'string'
  | 'int'
  | 'long'
  | 'double'
  | 'boolean'
  | 'localdate'
  | 'localtime'
  | 'localdatetime'
  | 'zoneddatetime';

/** JSON of a Container Input (Table): `{"table-spec": [{col: type}], "table-data": [[...]]}`. */
export interface TableValue {
  'table-spec'?: Array<Record<string, TableColumnType>>;
  'table-data': unknown[][];
}

/**
 * Builds a Container Input (Table) value from column types and rows.
 * @throws InvalidInputError when a row's length differs from the number of columns
 */
export function tableInput(columns: Record<string, TableColumnType>, rows: readonly unknown[][]): TableValue {
  const names = Object.keys(columns);
  rows.forEach((row, index) => {
    if (row.length !== names.length) {
      throw new InvalidInputError(
        `table row ${index} has ${row.length} values but the table has ${names.length} columns (${names.join(', ')})`,
      );
    }
  });
  return {
    'table-spec': names.map((name) => ({ [name]: columns[name]! })),
    'table-data': rows.map((row) => [...row]),
  };
}

/** Builds a Container Input (Row) value: a flat object of column values. */
export function rowInput(values: Record<string, string | number | boolean | null>): Record<string, unknown> {
  return { ...values };
}

/** Builds a Container Input (Variable) value: flow variable names and values. */
export function variableInput(variables: Record<string, string | number | boolean>): Record<string, unknown> {
  return { ...variables };
}

/** Builds a Container Input (Credentials) value with unencrypted credentials. */
export function credentialsInput(
  credentials: ReadonlyArray<{ id: string; user: string; password: string }>,
): Record<string, unknown> {
  return { isEncrypted: false, credentials: credentials.map((credential) => ({ ...credential })) };
}

/**
 * Builds a file for a Container Input (File) parameter, streamed from disk as a multipart part.
 * @param options.contentType @default application/octet-stream
 */
export function fileInput(
  path: string,
  options: { contentType?: string; filename?: string } = {},
): FileInput {
  return {
    kind: 'file',
    path,
    filename: options.filename ?? basename(path),
    contentType: options.contentType,
  };
}

/** Builds a file for a Container Input (File) parameter from memory. */
export function blobInput(blob: Blob, options: { contentType?: string; filename?: string } = {}): FileInput {
  return { kind: 'file', blob, filename: options.filename, contentType: options.contentType ?? blob.type };
}

export function isFileInput(value: unknown): value is FileInput {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'file';
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Closest of `candidates` to `name`, or `undefined` when none is reasonably close. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance =
      candidate.startsWith(name) || name.startsWith(candidate) ? 0.5 : editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Fully qualified name pattern: `<short>-<node id path>`. */
const FULLY_QUALIFIED = /^(.+)-(\d+(?::\d+)*)$/;

/** Options of {@link prepareInputs}. */
export interface PrepareInputsOptions {
  /**
   * Whether each JSON value must match the `type` of its parameter's published schema. Turn it
   * off for a workflow whose published schema is narrower than the values it really accepts.
   * @default true
   */
  checkTypes?: boolean;
}

/**
 * Checks `inputs` against `description` and resolves each name to the name the server publishes.
 * Accepts the published name, the short name of a uniquely named parameter, or the fully
 * qualified form of a parameter published under its short name.
 * @throws InvalidInputError on unknown, ambiguous, duplicate or missing required names, on
 *   a file given for a JSON parameter or a JSON value for a file parameter, and on a JSON value
 *   whose type differs from its parameter's schema (see {@link checkInputType})
 */
export function prepareInputs(
  inputs: Inputs,
  description: WorkflowDescription | undefined,
  options: PrepareInputsOptions = {},
): PreparedInputs {
  const prepared: PreparedInputs = { json: {}, files: {} };
  if (!description) {
    for (const [name, value] of Object.entries(inputs)) {
      if (isFileInput(value)) prepared.files[name] = value;
      else prepared.json[name] = value;
    }
    return prepared;
  }

  const workflow = description.workflow;
  const json = new Map(description.inputs.map((parameter) => [parameter.name, parameter]));
  const files = new Map(description.inputResources.map((resource) => [resource.name, resource]));
  const published = [...json.keys(), ...files.keys()];
  const givenFor = new Map<string, string>();

  for (const [given, value] of Object.entries(inputs)) {
    const name = resolveName(given, published, workflow);
    const earlier = givenFor.get(name);
    if (earlier !== undefined) {
      throw new InvalidInputError(
        `input \`${name}\` of ${workflow} is given twice, as \`${earlier}\` and as \`${given}\`; give it once`,
        { names: [earlier, given] },
      );
    }
    givenFor.set(name, given);

    if (files.has(name)) {
      if (!isFileInput(value)) {
        throw new InvalidInputError(
          `input \`${name}\` of ${workflow} is a file input (Container Input (File)); give a file, such as fileInput("data.csv")`,
          { names: [given] },
        );
      }
      prepared.files[name] = value;
    } else {
      if (isFileInput(value)) {
        throw new InvalidInputError(`input \`${name}\` of ${workflow} takes a JSON value, not a file`, {
          names: [given],
        });
      }
      const parameter = json.get(name);
      if (options.checkTypes !== false && parameter !== undefined) {
        checkInputType(name, value, parameter.schema, workflow, given);
      }
      prepared.json[name] = value;
    }
  }

  const missing = description.inputs.filter(
    (parameter) => parameter.required && !givenFor.has(parameter.name),
  );
  if (missing.length > 0) {
    const names = missing.map((parameter) => parameter.name);
    throw new InvalidInputError(
      `${workflow} requires ${names.length === 1 ? 'the input' : 'the inputs'} ${names.map((n) => `\`${n}\``).join(', ')}, which ${names.length === 1 ? 'is' : 'are'} missing`,
      { names },
    );
  }
  return prepared;
}

/** JSON schema types that {@link checkInputType} checks; any other `type` is not checked. */
type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
const SCHEMA_TYPES: ReadonlySet<string> = new Set([
  'string',
  'integer',
  'number',
  'boolean',
  'object',
  'array',
]);

/** Maximum length of a scalar value quoted in an error message. */
const MAX_SHOWN_LENGTH = 40;

/**
 * Describes `value` for an error message: scalars as JSON, cut at {@link MAX_SHOWN_LENGTH}
 * characters, and objects and arrays by kind only, because they may contain credentials.
 */
function showValue(value: unknown): string {
  if (Array.isArray(value)) return `a JSON array of ${value.length} items`;
  if (value !== null && typeof value === 'object') return 'a JSON object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_SHOWN_LENGTH ? text : `${text.slice(0, MAX_SHOWN_LENGTH)}…`;
}

/**
 * Keys of the single-key wrappers that legacy Quickform nodes take, such as `{"integer": 2}`,
 * by the schema type whose values they wrap.
 */
const LEGACY_WRAPPER_KEYS: Partial<Record<SchemaType, readonly string[]>> = {
  string: ['string'],
  integer: ['integer', 'int', 'long'],
  number: ['double', 'number', 'integer', 'int', 'long'],
  boolean: ['boolean'],
};

function matchesType(value: unknown, type: SchemaType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      // An integer is a number in JSON schema, and KNIME accepts one for a double.
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
  }
}

function isLegacyWrapper(value: unknown, type: SchemaType): boolean {
  const keys = LEGACY_WRAPPER_KEYS[type];
  if (keys === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [key, inner] = entries[0]!;
  return keys.includes(key) && matchesType(inner, type);
}

/** Returns `value` written as `type` on the command line, for the fix in the error message. */
function suggestedValue(value: unknown, type: SchemaType): string | undefined {
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return JSON.stringify(String(value));
  }
  if ((type === 'integer' || type === 'number') && typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    if (matchesType(number, type)) return String(number);
  }
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value;
  return undefined;
}

/**
 * Checks a JSON input value against the `type` of its parameter's published schema, as leniently
 * as KNIME: an integer passes for `number`, a legacy Quickform wrapper such as `{"integer": 2}`
 * passes for its scalar type, `null` passes when the schema is `nullable`, and a schema without
 * a known `type`, or whose `example` has another type, is not checked.
 * @param given name under which the caller gave the input, for the command-line example
 * @throws InvalidInputError naming the input, the expected type and the value
 */
export function checkInputType(
  name: string,
  value: unknown,
  schema: Record<string, unknown>,
  workflow: string,
  given: string = name,
): void {
  const type = schema.type;
  if (typeof type !== 'string' || !SCHEMA_TYPES.has(type)) return;
  const expected = type as SchemaType;
  if (matchesType(value, expected) || isLegacyWrapper(value, expected)) return;

  // KNIME derives the schema from the example value, so a schema whose own example has another
  // type was not written that way and is not trusted.
  const example = schema.example;
  if (example !== undefined && !matchesType(example, expected) && !isLegacyWrapper(example, expected)) return;
  if (value === null && schema.nullable === true) return;

  const shown = showValue(value);
  const suggestion = suggestedValue(value, expected);
  const fix =
    suggestion === undefined
      ? `give a JSON ${expected}`
      : `give the JSON ${expected} ${suggestion} (on the command line: --input ${given}='${suggestion}')`;
  throw new InvalidInputError(
    `input \`${name}\` of ${workflow} expects a JSON ${expected}, but the value is ${shown}; ${fix}`,
    { names: [given] },
  );
}

function resolveName(given: string, published: readonly string[], workflow: string): string {
  if (published.includes(given)) return given;

  const byShortName = published.filter((name) => FULLY_QUALIFIED.exec(name)?.[1] === given);
  if (byShortName.length === 1) return byShortName[0]!;
  if (byShortName.length > 1) {
    throw new InvalidInputError(
      `input \`${given}\` of ${workflow} is ambiguous because several nodes share that name; ` +
        `use one of ${byShortName.map((name) => `\`${name}\``).join(', ')}`,
      { names: [given] },
    );
  }

  const short = FULLY_QUALIFIED.exec(given)?.[1];
  if (short !== undefined && published.includes(short)) return short;

  const closest = closestName(given, published);
  const hint = closest === undefined ? '' : `; did you mean \`${closest}\`?`;
  const valid = published.length === 0 ? 'it has no inputs' : `valid inputs: ${published.join(', ')}`;
  throw new InvalidInputError(`workflow ${workflow} has no input \`${given}\`${hint} (${valid})`, {
    names: [given],
  });
}
