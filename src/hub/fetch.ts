/**
 * The `fetch` layer of the Hub backend, below the shared HTTP client:
 *
 * - follows redirects itself (`redirect: 'manual'`), so that a download redirected with a 307 to the
 *   object store works the same with every `fetch`, and drops credentials whenever the next URL
 *   has another origin (a pre-signed storage URL must not receive the Hub's Authorization header);
 * - records the correlation headers (`x-request-id`, `x-error-id`) and the problem document of
 *   every error response, so the backend can put them into the error it throws.
 */
import { redactUrl } from '../transport/redact.js';
import { type Problem, parseWire, problemSchema } from './wire.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** Redirects followed for one request before the response is handed back unfollowed. */
export const MAX_REDIRECTS = 5;

/** Correlation ids and problem document of an error response. */
export interface ErrorDetails {
  requestId: string | undefined;
  errorId: string | undefined;
  problem: Problem | undefined;
}

/** Error details of recent requests, keyed by `METHOD <redacted URL>` of the request sent. */
export class ErrorDetailsLog {
  readonly #entries = new Map<string, ErrorDetails>();
  readonly #capacity: number;

  constructor(capacity = 64) {
    this.#capacity = capacity;
  }

  record(method: string, url: string, details: ErrorDetails): void {
    const key = `${method.toUpperCase()} ${redactUrl(url)}`;
    this.#entries.delete(key);
    this.#entries.set(key, details);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Details of the last error response of `method` and the redacted `url`, if any. */
  find(method: string, redactedUrl: string): ErrorDetails | undefined {
    return this.#entries.get(`${method.toUpperCase()} ${redactedUrl}`);
  }
}

/** Wraps `base` with redirect handling and error recording, as described in the file header. */
export function createHubFetch(base: typeof fetch, log: ErrorDetailsLog): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const firstUrl = input instanceof Request ? input.url : String(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    let url = firstUrl;
    let headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));

    for (let hop = 0; ; hop += 1) {
      const response = await base(url, { ...init, method, headers, redirect: 'manual' });
      const location = response.headers.get('location');
      const followable =
        REDIRECT_STATUSES.has(response.status) &&
        location !== null &&
        (method === 'GET' || method === 'HEAD') &&
        hop < MAX_REDIRECTS;
      if (!followable) {
        if (response.status >= 400) await recordError(log, method, firstUrl, response);
        return response;
      }

      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') return response;
      await response.body?.cancel().catch(() => {});
      if (next.origin !== new URL(url).origin) {
        headers = new Headers(headers);
        for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      }
      url = next.toString();
    }
  }) as typeof fetch;
}

async function recordError(log: ErrorDetailsLog, method: string, url: string, response: Response) {
  let problem: Problem | undefined;
  const contentType = response.headers.get('content-type') ?? '';
  if (/json/i.test(contentType)) {
    try {
      const parsed = parseWire(problemSchema, JSON.parse(await response.clone().text()));
      if (parsed.ok) problem = parsed.value;
    } catch {
      // A body that is not JSON has no problem document; the HTTP client describes its text.
    }
  }
  log.record(method, url, {
    requestId: response.headers.get('x-request-id') ?? undefined,
    errorId: response.headers.get('x-error-id') ?? undefined,
    problem,
  });
}
