import type { ParameterModel, ResourceModel, WorkflowModel } from '../workspace/model.js';
import { EngineError } from './errors.js';
import { findParameter, findResource } from './sidecar.js';

/** One multipart/form-data part of an execution request, named like a parameter or an input resource. */
export interface RequestPart {
  readonly name: string;
  /** File name from `Content-Disposition`, when the part was sent as a file. */
  readonly fileName?: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** Inputs of an execute request before they are matched to the workflow's nodes. */
export interface ExecutionRequest {
  /** JSON body keyed by parameter name, or `{}`. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Multipart parts; JSON parameters arrive as parts too. */
  readonly parts?: readonly RequestPart[];
}

/** Uploaded file of an input resource, as stored on the job. */
export interface UploadedFile {
  readonly fileName?: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** Inputs matched to the workflow: keys are published parameter and resource names. */
export interface ResolvedInputs {
  readonly values: ReadonlyMap<string, unknown>;
  readonly files: ReadonlyMap<string, UploadedFile>;
}

export interface InputCheckOptions {
  /** Check the JSON shape of each value against its node kind (table, row, legacy Quickform wrappers). */
  checkValueShapes: boolean;
}

/**
 * Matches the request's names to the workflow's input nodes and checks them as knime-core does: a
 * name is the published, short (when unique) or fully qualified name, unknown names and missing
 * required inputs are rejected with knime-core's messages.
 *
 * @throws {EngineError} code `invalid-input`.
 */
export function resolveInputs(
  workflow: WorkflowModel,
  request: ExecutionRequest,
  options: InputCheckOptions,
): ResolvedInputs {
  const values = new Map<string, unknown>();
  const files = new Map<string, UploadedFile>();

  for (const [name, value] of Object.entries(request.values ?? {})) {
    const parameter = matchName(workflow, name);
    if (parameter.kind === 'resource') {
      throw new EngineError(
        'invalid-input',
        `Parameter "${name}" is a file input (${parameter.resource.nodeName}); send it as a multipart/form-data part named "${parameter.resource.name}"`,
      );
    }
    values.set(parameter.parameter.name, value);
  }

  for (const part of request.parts ?? []) {
    const parameter = matchName(workflow, part.name);
    if (parameter.kind === 'resource') {
      files.set(parameter.resource.name, {
        fileName: part.fileName,
        contentType: part.contentType,
        bytes: part.bytes,
      });
    } else {
      values.set(parameter.parameter.name, parsePartJson(part));
    }
  }

  if (options.checkValueShapes) {
    for (const [name, value] of values) {
      const parameter = workflow.inputs.find((p) => p.name === name);
      if (parameter) checkShape(parameter, value);
    }
  }

  for (const parameter of workflow.inputs) {
    if (parameter.required && !values.has(parameter.name)) {
      throw new EngineError('invalid-input', `An input for parameter '${parameter.name}' is required.`);
    }
  }

  return { values, files };
}

type Match = { kind: 'parameter'; parameter: ParameterModel } | { kind: 'resource'; resource: ResourceModel };

function matchName(workflow: WorkflowModel, name: string): Match {
  const parameter = findParameter(workflow.inputs, name);
  if (parameter) return { kind: 'parameter', parameter };

  const resource = findResource(workflow.inputResources, name);
  if (resource) return { kind: 'resource', resource };

  const valid = [...workflow.inputs.map((p) => p.name), ...workflow.inputResources.map((r) => r.name)];
  throw new EngineError(
    'invalid-input',
    `Parameter name "${name}" doesn't match any node in the workflow, valid parameter names are: [${valid.map((v) => JSON.stringify(v)).join(', ')}]`,
  );
}

function parsePartJson(part: RequestPart): unknown {
  const text = new TextDecoder().decode(part.bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EngineError(
      'invalid-input',
      `Multipart part "${part.name}" is not valid JSON (${(error as Error).message}); send JSON parameters with Content-Type application/json`,
    );
  }
}

const TABLE_TYPES = new Set([
  'string',
  'int',
  'long',
  'double',
  'boolean',
  'localdate',
  'localtime',
  'localdatetime',
  'zoneddatetime',
]);

const LEGACY_KEYS: Partial<Record<ParameterModel['kind'], { key: string; type: string }>> = {
  'legacy-string': { key: 'string', type: 'string' },
  'legacy-integer': { key: 'integer', type: 'integer' },
  'legacy-double': { key: 'double', type: 'number' },
  'legacy-boolean': { key: 'boolean', type: 'boolean' },
  'legacy-json': { key: 'jsonvalue', type: 'any' },
};

/**
 * Checks the cheap structural rules of each node kind. The texts are the simulator's own, because
 * knime-core's messages for these cases are not public.
 */
function checkShape(parameter: ParameterModel, value: unknown): void {
  const fail = (detail: string): never => {
    throw new EngineError(
      'invalid-input',
      `Invalid value for parameter "${parameter.name}" (${parameter.nodeName}): ${detail}`,
    );
  };

  switch (parameter.kind) {
    case 'table':
      checkTable(value, fail);
      return;
    case 'row':
    case 'credentials':
      if (!isPlainObject(value)) fail('expected a JSON object');
      if (parameter.kind === 'credentials' && isPlainObject(value) && 'credentials' in value) {
        if (!Array.isArray(value.credentials))
          fail('"credentials" must be an array of {"id", "user", "password"}');
      }
      return;
    default:
      break;
  }

  // Legacy Quickform nodes take the bare value, which is what KNIME's own OpenAPI fragment
  // publishes (`"type": "integer", "example": 42`), or the older wrapper `{"integer": 42}`.
  const legacy = LEGACY_KEYS[parameter.kind];
  if (!legacy || legacy.type === 'any') return;
  const wrapped = isPlainObject(value) && legacy.key in value;
  const inner = wrapped ? (value as Record<string, unknown>)[legacy.key] : value;
  if (!hasLegacyType(inner, legacy.type)) {
    fail(
      `expected a value of type ${legacy.type} or an object {"${legacy.key}": <${legacy.type}>}, got ${JSON.stringify(value)}`,
    );
  }
}

function hasLegacyType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  return typeof value === type;
}

function checkTable(value: unknown, fail: (detail: string) => never): void {
  if (!isPlainObject(value)) fail('expected {"table-spec": [...], "table-data": [[...], ...]}');
  const table = value as Record<string, unknown>;
  const data = table['table-data'];
  if (!Array.isArray(data) || !data.every(Array.isArray)) {
    fail('"table-data" is required and must be an array of rows, each row an array of cell values');
  }

  const spec = table['table-spec'];
  if (spec === undefined) return;
  if (!Array.isArray(spec)) fail('"table-spec" must be an array of {"<column>": "<type>"} objects');
  const columns = spec as unknown[];
  for (const [index, column] of columns.entries()) {
    const entries = isPlainObject(column) ? Object.entries(column) : [];
    const type = entries[0]?.[1];
    if (entries.length !== 1 || typeof type !== 'string') {
      fail(`"table-spec"[${index}] must be an object with exactly one "<column>": "<type>" entry`);
    }
    if (!TABLE_TYPES.has(String(type).toLowerCase())) {
      fail(
        `"table-spec"[${index}] has unknown type ${JSON.stringify(type)}; valid types are ${[...TABLE_TYPES].join(', ')}`,
      );
    }
  }
  for (const [index, row] of (data as unknown[][]).entries()) {
    if (row.length !== columns.length) {
      fail(
        `row ${index} of "table-data" has ${row.length} cells but "table-spec" declares ${columns.length} columns`,
      );
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
