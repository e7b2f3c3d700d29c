import type { ExecutionRequest, RequestPart } from '../engine/inputs.js';
import { type HubContext, HubError } from './http.js';

/**
 * Reads the inputs of an execution request: a JSON `InputParameters` object, or multipart/form-data
 * with one part per parameter or file. An empty body keeps the current inputs. Inline input larger
 * than `limitMb` (the execution context's `maxJobInOutSize`) is rejected.
 *
 * @throws {HubError} 422 for malformed JSON, a value that is not an object, broken multipart, or
 *   inline input over the limit.
 */
export async function readInputs(c: HubContext, limitMb: number): Promise<ExecutionRequest> {
  const limitBytes = limitMb * 1024 * 1024;
  const contentType = (c.req.header('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('multipart/form-data'))
    return { parts: await readParts(c, limitBytes, limitMb) };

  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > limitBytes) throw tooLarge(bytes.byteLength, limitMb);
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return { values: {} };

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HubError(422, 'Invalid input parameters.', [
      `The request body is not valid JSON: ${(error as Error).message}`,
    ]);
  }
  if (value === null) return { values: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new HubError(422, 'Invalid input parameters.', [
      `The body must be a JSON object keyed by input parameter name, such as {"json-input": {...}}; got ${Array.isArray(value) ? 'an array' : typeof value}.`,
    ]);
  }
  return { values: value as Record<string, unknown> };
}

async function readParts(c: HubContext, limitBytes: number, limitMb: number): Promise<RequestPart[]> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch (error) {
    throw new HubError(422, 'Invalid input parameters.', [
      `The body is not valid multipart/form-data (${(error as Error).message}); let the HTTP library set the boundary.`,
    ]);
  }

  const parts: RequestPart[] = [];
  let inline = 0;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      const bytes = new TextEncoder().encode(value);
      inline += bytes.byteLength;
      parts.push({ name, contentType: 'application/json', bytes });
    } else {
      parts.push({
        name,
        fileName: value.name,
        contentType: value.type || 'application/octet-stream',
        bytes: new Uint8Array(await value.arrayBuffer()),
      });
    }
  }
  // Files are not inline input, so only the JSON parts count against the limit.
  if (inline > limitBytes) throw tooLarge(inline, limitMb);
  return parts;
}

function tooLarge(bytes: number, limitMb: number): HubError {
  return new HubError(422, 'Invalid input parameters.', [
    `The inline input has ${bytes} bytes, more than the limit of ${limitMb} MB (maxJobInOutSize); send large data as a file part of a multipart/form-data request.`,
  ]);
}

/**
 * Inputs from `pm:<name>=<value>` query parameters: a value that parses as JSON is taken as that
 * JSON, anything else as a string.
 */
export function queryInputs(c: HubContext): ExecutionRequest {
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(c.req.query())) {
    if (!name.startsWith('pm:')) continue;
    try {
      values[name.slice(3)] = JSON.parse(raw);
    } catch {
      values[name.slice(3)] = raw;
    }
  }
  return { values };
}

/** Merges query inputs into body inputs; body values win. */
export function mergeInputs(query: ExecutionRequest, body: ExecutionRequest): ExecutionRequest {
  return {
    values: { ...query.values, ...body.values },
    ...(body.parts ? { parts: body.parts } : {}),
  };
}

/**
 * Reads a JSON object body; an empty body is `{}`.
 *
 * @throws {HubError} 422 for malformed JSON or a value that is not an object.
 */
export async function readJsonObject(c: HubContext): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HubError(422, 'Invalid request body.', [
      `The body is not valid JSON: ${(error as Error).message}`,
    ]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HubError(422, 'Invalid request body.', ['The body must be a JSON object.']);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads the id array of a bulk delete (`DELETE /jobs`, `DELETE /deployments`).
 *
 * @throws {HubError} 422 when the body is not a JSON array of strings.
 */
export async function readIdArray(c: HubContext, what: string): Promise<string[]> {
  let ids: unknown;
  try {
    ids = JSON.parse((await c.req.text()) || 'null');
  } catch {
    ids = null;
  }
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new HubError(422, 'Invalid request body.', [
      `Send a JSON array of ${what} ids, such as ["<id>", ...].`,
    ]);
  }
  return ids;
}
