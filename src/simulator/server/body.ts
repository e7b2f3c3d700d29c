import type { ExecutionRequest, RequestPart } from '../engine/inputs.js';
import { HttpError, type ServerContext } from './http.js';

/**
 * Reads the inputs of an execute request: a JSON object keyed by parameter name, or
 * multipart/form-data with one part per parameter or file. An empty body or `null` means no inputs.
 *
 * @throws {HttpError} 400 for malformed JSON, a JSON value that is not an object, or a broken
 *   multipart body.
 */
export async function readExecutionBody(c: ServerContext): Promise<ExecutionRequest> {
  const contentType = (c.req.header('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('multipart/form-data')) return { parts: await readMultipart(c) };

  const value = await readJsonBody(c);
  if (value === undefined || value === null) return { values: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(
      400,
      `Request body must be a JSON object keyed by parameter name, such as {"name": value}; got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return { values: value as Record<string, unknown> };
}

/**
 * Parses the request body as JSON; undefined for an empty body.
 *
 * @throws {HttpError} 400 when the body is not valid JSON.
 */
export async function readJsonBody(c: ServerContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

async function readMultipart(c: ServerContext): Promise<RequestPart[]> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch (error) {
    throw new HttpError(
      400,
      `Request body is not valid multipart/form-data (${(error as Error).message}); let the HTTP library set the boundary`,
    );
  }

  const parts: RequestPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push({ name, contentType: 'application/json', bytes: new TextEncoder().encode(value) });
    } else {
      parts.push({
        name,
        fileName: value.name,
        contentType: value.type || 'application/octet-stream',
        bytes: new Uint8Array(await value.arrayBuffer()),
      });
    }
  }
  return parts;
}

/**
 * Inputs of `GET {wf}:execution` from the query string: each parameter other than `reset` and
 * `timeout` is an input, parsed as JSON when it parses and taken as a string otherwise.
 */
export function queryInputs(c: ServerContext): ExecutionRequest {
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(c.req.query())) {
    if (name === 'reset' || name === 'timeout') continue;
    try {
      values[name] = JSON.parse(raw);
    } catch {
      values[name] = raw;
    }
  }
  return { values };
}
