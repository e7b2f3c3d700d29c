import type { Context } from 'hono';
import type { JobEngine } from '../engine/engine.js';
import { EngineError, type EngineErrorCode } from '../engine/errors.js';
import type { JobPools } from '../engine/pool.js';
import type { Authenticator } from './auth.js';
import type { ServerAppOptions } from './options.js';

export const MASON_CONTENT_TYPE = 'application/vnd.mason+json;charset=UTF-8';
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** The `@namespaces` object KNIME puts at the root of its Mason documents. */
export const KNIME_NAMESPACES = { knime: { name: 'http://www.knime.com/server/rels#' } } as const;

/** Per-request values the middleware sets before a route runs. */
export interface RequestScope {
  /** Authenticated user name, or `anonymous` when authentication is disabled. */
  readonly user: string;
  /** Context root the request came in on, such as `/knime`. */
  readonly root: string;
  /** Absolute REST base URL the request came in on, such as `http://127.0.0.1:8080/knime/rest/v4`. */
  readonly rest: string;
}

export type ServerEnv = { Variables: { scope: RequestScope } };
export type ServerContext = Context<ServerEnv>;

/** Everything the route modules share. */
export interface ServerParts {
  readonly engine: JobEngine;
  readonly pools: JobPools;
  readonly auth: Authenticator;
  readonly options: ServerAppOptions;
}

/** An HTTP error a route throws; the app's error handler turns it into the configured body style. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Mason JSON response; `application/json` when the client asks only for plain JSON. */
export function mason(
  c: Context,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': responseContentType(c.req.header('accept')), ...headers },
  });
}

function responseContentType(accept: string | undefined): string {
  if (!accept) return MASON_CONTENT_TYPE;
  const lower = accept.toLowerCase();
  if (lower.includes('application/json') && !lower.includes('mason')) return JSON_CONTENT_TYPE;
  return MASON_CONTENT_TYPE;
}

/** Error response in the configured style: Mason `@error`, plain text or an empty body. */
export function errorResponse(
  c: Context,
  style: ServerAppOptions['errorStyle'],
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  if (style === 'empty') return new Response(null, { status, headers });
  if (style === 'text') {
    return new Response(message, {
      status,
      headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    });
  }
  return mason(c, { '@error': { '@message': message, '@httpStatusCode': status } }, status, headers);
}

/** HTTP status of each engine error; some are configurable. */
export function statusOf(code: EngineErrorCode, options: ServerAppOptions): number {
  switch (code) {
    case 'workflow-not-found':
    case 'not-a-workflow':
    case 'job-not-found':
    case 'resource-not-found':
      return 404;
    case 'invalid-input':
      return options.validationStatus;
    case 'busy':
      return options.busyStatus;
    default:
      return 409;
  }
}

/** Maps errors thrown by routes to responses; anything unexpected becomes a 500 with its message. */
export function handleError(error: unknown, c: Context, options: ServerAppOptions): Response {
  if (error instanceof HttpError) {
    return errorResponse(c, options.errorStyle, error.status, error.message, error.headers);
  }
  if (error instanceof EngineError) {
    return errorResponse(c, options.errorStyle, statusOf(error.code, options), error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return errorResponse(c, options.errorStyle, 500, `Internal simulator error: ${message}`);
}

/** The HTML page a servlet container sends for a path outside every context root. */
export function htmlNotFound(path: string): Response {
  const escaped = path.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title></head><body><h1>HTTP Status 404 – Not Found</h1><p><b>Message</b> The requested resource [${escaped}] is not available</p></body></html>`;
  return new Response(html, { status: 404, headers: { 'content-type': 'text/html;charset=utf-8' } });
}

/**
 * Parses a boolean query parameter: `true`/`false` in any case, and an empty value as true.
 *
 * @throws {HttpError} 400 for other values.
 */
export function booleanParam(c: Context, name: string): boolean | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '') return true;
  if (lower === 'false') return false;
  throw new HttpError(400, `Invalid query parameter ${name}=${raw}: expected true or false`);
}

/**
 * Parses `timeout` (milliseconds). Absent or negative means no limit, as `-1` does for KNIME clients.
 *
 * @throws {HttpError} 400 when it is not an integer.
 */
export function timeoutParam(c: Context): number | undefined {
  const raw = c.req.query('timeout');
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) {
    throw new HttpError(
      400,
      `Invalid query parameter timeout=${raw}: expected milliseconds as an integer, or -1 for no limit`,
    );
  }
  const value = Number(raw);
  return value < 0 ? undefined : value;
}

/** Absolute URL of a repository item: each path segment percent-encoded on its own. */
export function itemUrl(rest: string, path: string, suffix = ''): string {
  const encoded = path
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
  return `${rest}/repository/${encoded}${suffix}`;
}
