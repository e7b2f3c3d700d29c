import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { EngineError } from '../engine/errors.js';
import type { HubCaller } from './auth.js';
import type { HubAppOptions } from './options.js';

export const MASON_CONTENT_TYPE = 'application/vnd.mason+json';
export const JSON_CONTENT_TYPE = 'application/json';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The `@namespaces` object at the root of Hub Mason documents. */
export const KNIME_NAMESPACES = { knime: { name: 'http://www.knime.com/server/rels#' } } as const;

/** Per-request values the middleware sets before a route runs. */
export interface HubRequestScope {
  readonly caller: HubCaller;
  /** Origin the request came in on, such as `http://127.0.0.1:40123`: the API root. */
  readonly api: string;
}

export type HubEnv = { Variables: { hub: HubRequestScope } };
export type HubContext = Context<HubEnv>;

/**
 * An error a route throws; the app's error handler turns it into a problem document with `title`,
 * `status` and `details[]`.
 */
export class HubError extends Error {
  override readonly name = 'HubError';

  constructor(
    readonly status: number,
    readonly title: string,
    readonly details: readonly string[] = [],
    readonly code?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(details.length === 0 ? title : `${title} ${details.join(' ')}`);
  }
}

/** Builds an error response in the configured style, with the correlation headers `x-request-id` and `x-error-id`. */
export function problemResponse(
  c: Context,
  style: HubAppOptions['errorStyle'],
  error: Pick<HubError, 'status' | 'title' | 'details' | 'code' | 'headers'>,
): Response {
  const headers: Record<string, string> = {
    'x-request-id': requestIdOf(c),
    'x-error-id': randomUUID(),
    date: new Date().toUTCString(),
    ...error.headers,
  };
  if (style === 'text') {
    return new Response(error.title, {
      status: error.status,
      headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' },
    });
  }
  if (style === 'mason') {
    const body = { '@error': { '@message': error.title, '@messages': [...error.details] } };
    return new Response(JSON.stringify(body), {
      status: error.status,
      headers: { ...headers, 'content-type': MASON_CONTENT_TYPE },
    });
  }
  const body: Record<string, unknown> = { title: error.title };
  if (style === 'problem') body.status = error.status;
  body.details = [...error.details];
  if (error.code !== undefined) body.code = error.code;
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
  });
}

/** Maps engine errors to Hub statuses: 404 for unknown items, 422 for bad input and jobs that cannot take the request, 400 otherwise. */
export function hubErrorOf(error: EngineError): HubError {
  switch (error.code) {
    case 'workflow-not-found':
    case 'not-a-workflow':
    case 'job-not-found':
    case 'resource-not-found':
      return new HubError(404, error.message);
    case 'invalid-input':
      return new HubError(422, 'Invalid input parameters.', [error.message]);
    case 'busy':
    case 'needs-reset':
    case 'not-executable':
      // NOTE: the execution service declares no 409; an input the job cannot take now is a 422 here.
      return new HubError(422, error.message);
    default:
      return new HubError(400, error.message);
  }
}

/** Converts anything a route throws to a response; unexpected errors become 500 with their message. */
export function handleHubError(error: unknown, c: Context, style: HubAppOptions['errorStyle']): Response {
  if (error instanceof HubError) return problemResponse(c, style, error);
  if (error instanceof EngineError) return problemResponse(c, style, hubErrorOf(error));
  const message = error instanceof Error ? error.message : String(error);
  return problemResponse(c, style, {
    status: 500,
    title: 'Internal simulator error.',
    details: [message],
    headers: {},
  });
}

const REQUEST_IDS = new WeakMap<Request, string>();

/** Returns the `x-request-id` of this request: the caller's, when it sent one, or a new UUID. */
export function requestIdOf(c: Context): string {
  let id = REQUEST_IDS.get(c.req.raw);
  if (!id) {
    id = c.req.header('x-request-id') ?? randomUUID();
    REQUEST_IDS.set(c.req.raw, id);
  }
  return id;
}

/** The representation a client asked for with `Prefer`. */
export interface Preferences {
  readonly representation: 'full' | 'basic' | 'minimal';
  readonly edgeCompatible: boolean;
}

export function preferencesOf(c: Context): Preferences {
  const prefer = (c.req.header('prefer') ?? '').toLowerCase();
  const representation = /representation\s*=\s*minimal/.test(prefer)
    ? 'minimal'
    : /representation\s*=\s*basic/.test(prefer)
      ? 'basic'
      : 'full';
  return { representation, edgeCompatible: /edge-compatible/.test(prefer) };
}

/**
 * Applies `Prefer: representation=...` to a Mason body: `minimal` drops `@controls` everywhere,
 * `basic` keeps each control's name, method and title but drops its link.
 */
export function applyRepresentation(body: unknown, representation: Preferences['representation']): unknown {
  if (representation === 'full') return body;
  if (Array.isArray(body)) return body.map((item) => applyRepresentation(item, representation));
  if (body === null || typeof body !== 'object') return body;

  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '@controls') {
      if (representation === 'basic') result[key] = basicControls(value as Record<string, unknown>);
      continue;
    }
    if (key === 'outputValues' || key === 'inputParameters' || key === 'InputParameters') {
      result[key] = value;
      continue;
    }
    result[key] = applyRepresentation(value, representation);
  }
  return result;
}

function basicControls(controls: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, control] of Object.entries(controls)) {
    const { method, title } = control as { method?: string; title?: string };
    result[name] = { ...(method ? { method } : {}), ...(title ? { title } : {}) };
  }
  return result;
}

export interface RespondOptions {
  readonly status?: number;
  /** Send an `ETag`, and return 304 for a matching `If-None-Match`. */
  readonly etag?: boolean;
  readonly headers?: Record<string, string>;
}

/**
 * Builds a JSON response in the media type the client accepts (`application/json` or Mason JSON), shaped
 * by its `Prefer` header, with an optional entity tag.
 */
export function respond(c: Context, body: unknown, options: RespondOptions = {}): Response {
  const shaped = applyRepresentation(body, preferencesOf(c).representation);
  const text = JSON.stringify(shaped);
  const headers: Record<string, string> = {
    'content-type': contentTypeFor(c.req.header('accept')),
    'x-request-id': requestIdOf(c),
    ...options.headers,
  };

  if (options.etag) {
    const tag = `"${createHash('sha1').update(text).digest('base64url')}"`;
    headers.etag = tag;
    if (matchesEtag(c.req.header('if-none-match'), tag)) {
      return new Response(null, {
        status: 304,
        headers: { etag: tag, 'x-request-id': headers['x-request-id'] ?? '' },
      });
    }
  }
  return new Response(text, { status: options.status ?? 200, headers });
}

function matchesEtag(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((value) => value.trim().replace(/^W\//, ''))
    .some((value) => value === tag || value === '*');
}

function contentTypeFor(accept: string | undefined): string {
  const lower = (accept ?? '').toLowerCase();
  if (lower.includes('application/json') && !lower.includes('mason')) return JSON_CONTENT_TYPE;
  return MASON_CONTENT_TYPE;
}

/** Builds a 204 response with no body, carrying the request id. */
export function noContent(c: Context): Response {
  return new Response(null, { status: 204, headers: { 'x-request-id': requestIdOf(c) } });
}

/**
 * Parses a boolean query parameter: `true` or `false` in any case, an empty value as true.
 *
 * @throws {HubError} 422 for other values.
 */
export function booleanQuery(c: Context, name: string): boolean | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '') return true;
  if (lower === 'false') return false;
  throw new HubError(422, 'Invalid query parameters.', [
    `'${name}=${raw}' is not a boolean; use true or false.`,
  ]);
}

/**
 * Parses a `timeout` query parameter in milliseconds. Absent or `-1` selects `fallbackMs`.
 *
 * @throws {HubError} 422 for a value that is not a whole number, or negative other than -1.
 */
export function timeoutQuery(c: Context, fallbackMs: number, name = 'timeout'): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '' || raw === '-1') return fallbackMs;
  if (!/^\d+$/.test(raw)) {
    throw new HubError(422, 'Invalid query parameters.', [
      `'${name}=${raw}' is not a timeout; give milliseconds as a whole number, or -1 for the default.`,
    ]);
  }
  return Number(raw);
}

/** Absolute URL below the API root, with each path segment encoded once. */
export function apiUrl(
  c: HubContext,
  path: string,
  query?: Record<string, string | number | undefined>,
): string {
  const url = `${c.var.hub.api}${path}`;
  if (!query) return url;
  const entries = Object.entries(query).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  if (entries.length === 0) return url;
  return `${url}?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}

/** Builds a Mason control as recorded Hub bodies write it, with `isHrefTemplate: true` on every control. */
export function control(
  href: string,
  method: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { href, isHrefTemplate: true, method, ...extra };
}
