/**
 * HTTP client of the backends. It builds URLs under the REST root, adds credentials, enforces the
 * per-request timeout and retries idempotent requests. Every failure becomes an error of the
 * library's error tree with METHOD, redacted URL, status and a body excerpt.
 */
import {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  KnimeError,
  type KnimeErrorOptions,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import type { Authenticator } from './auth.js';
import { describeBody, isHtml, readLimitedText, tryParseJson } from './body.js';
import { redactHeaders, redactText, redactUrl } from './redact.js';
import { isTransientStatus, parseRetryAfter, type ResolvedRetryOptions, retryDelay } from './retry.js';
import type { Clock, Logger } from './types.js';

/** Accept header of JSON resources: Mason first, plain JSON as the alternative KNIME also serves. */
export const JSON_ACCEPT = 'application/vnd.mason+json, application/json;q=0.9';

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: string;
  /** Path below the REST root, already percent-encoded, starting with `/`. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON body; serialised with `Content-Type: application/json`. */
  json?: unknown;
  /** Any other body. `FormData` gets its multipart boundary from `fetch`. */
  body?: RequestInit['body'];
  /** @default JSON_ACCEPT */
  accept?: string;
  /** Idempotent requests are retried on transient failures; others never are. */
  idempotent: boolean;
  /** Per-request timeout in milliseconds. @default the client's `requestTimeoutMs` */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses returned to the caller instead of being thrown, such as 404 on a discard. */
  passStatuses?: readonly number[];
  /** How to read a successful body. @default 'json' */
  responseType?: 'json' | 'text' | 'stream' | 'none';
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Request URL without credentials. */
  url: string;
  data: T;
  /** Unread body, for `responseType: 'stream'`. */
  body: ReadableStream<Uint8Array> | null;
}

export interface HttpClientOptions {
  /** REST root without a trailing slash, such as `http://127.0.0.1:8080/knime/rest/v4`. */
  restRoot: string;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  authenticator: Authenticator;
  retry: ResolvedRetryOptions;
  /** @default 60000 */
  requestTimeoutMs?: number;
  /** Extra headers of every request, such as a user agent. */
  headers?: Record<string, string>;
}

/** Marks the abort reason of a per-request timeout, to tell it apart from the caller's abort. */
class RequestTimeout extends Error {}

/**
 * Client error statuses that reject the request's content: 400 Bad Request, 409 Conflict, 413
 * Content Too Large and 422 Unprocessable Content. They map to `InvalidInputError`.
 */
const INPUT_ERROR_STATUSES: ReadonlySet<number> = new Set([400, 409, 413, 422]);

export class HttpClient {
  readonly restRoot: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  readonly #fetch: typeof fetch;
  readonly #retry: ResolvedRetryOptions;
  readonly #requestTimeoutMs: number;
  readonly #headers: Record<string, string>;

  constructor(options: HttpClientOptions) {
    this.restRoot = options.restRoot.replace(/\/+$/, '');
    this.#fetch = options.fetch;
    this.clock = options.clock;
    this.logger = options.logger;
    this.authenticator = options.authenticator;
    this.#retry = options.retry;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#headers = options.headers ?? {};
    this.authenticator.setTokenFetcher((header, signal) => this.#fetchJwt(header, signal));
  }

  /** Absolute URL of a path below the REST root, with the query appended. */
  url(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(this.restRoot + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  /**
   * Sends `request`, retrying idempotent requests on 408, 429, 5xx, connection failures,
   * per-request timeouts and non-JSON bodies, within the retry budget.
   * @throws the error class that matches the failure, see `src/errors/`
   */
  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    let retry = 0;
    let sleptMs = 0;
    let refreshed = false;

    for (;;) {
      try {
        return await this.#attempt<T>(request);
      } catch (error) {
        const fromTokenExchange = (error as { tokenExchange?: boolean }).tokenExchange === true;
        if (
          error instanceof AuthenticationError &&
          this.authenticator.refreshable &&
          !refreshed &&
          !fromTokenExchange
        ) {
          // A 401 means the server did not process the request, so even a job-creating request
          // may be repeated once with a fresh token.
          refreshed = true;
          this.logger.info('request got HTTP 401; fetching a new JWT and repeating it once', {
            method: request.method,
            url: redactUrl(this.url(request.path, request.query)),
          });
          await this.authenticator.refresh(request.signal);
          continue;
        }

        const transient = (error as { transient?: boolean }).transient === true;
        if (!request.idempotent || !transient || retry >= this.#retry.maxRetries) throw error;

        retry += 1;
        const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
        if (retryAfter !== undefined && retryAfter > this.#retry.maxRetryAfterMs) throw error;
        const delay = retryDelay(this.#retry, retry, retryAfter);
        if (sleptMs + delay > this.#retry.budgetMs) throw error;
        sleptMs += delay;

        this.logger.warn('retrying request after a transient failure', {
          method: request.method,
          url: redactUrl(this.url(request.path, request.query)),
          retry,
          delayMs: delay,
          reason: (error as Error).message,
        });
        await this.#sleep(delay, request);
      }
    }
  }

  async #sleep(ms: number, request: HttpRequest): Promise<void> {
    try {
      await this.clock.sleep(ms, request.signal);
    } catch (reason) {
      throw new CancelledError(
        `${request.method} ${this.#safeUrl(request)} was aborted while waiting to retry`,
        {
          request: this.#info(request),
          cause: reason,
        },
      );
    }
  }

  async #attempt<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.url(request.path, request.query);
    const info = this.#info(request);
    if (request.signal?.aborted) {
      throw new CancelledError(`${info.method} ${info.url} was aborted`, {
        request: info,
        cause: request.signal.reason,
      });
    }

    const headers: Record<string, string> = { ...this.#headers, Accept: request.accept ?? JSON_ACCEPT };
    const authorization = await this.authenticator.header(request.signal);
    if (authorization) headers.Authorization = authorization;
    let body = request.body;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    Object.assign(headers, request.headers);

    const timeoutMs = request.timeoutMs ?? this.#requestTimeoutMs;
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const clearTimer = this.clock.setTimer(timeoutMs, () => controller.abort(new RequestTimeout()));
    const cleanup = () => {
      clearTimer();
      request.signal?.removeEventListener('abort', onCallerAbort);
    };

    this.logger.debug('sending request', {
      method: info.method,
      url: info.url,
      headers: redactHeaders(headers),
    });
    let response: Response;
    try {
      response = await this.#fetch(url, { method: request.method, headers, body, signal: controller.signal });
    } catch (error) {
      cleanup();
      throw this.#connectionError(error, request, controller.signal, timeoutMs);
    }
    this.logger.debug('received response', { method: info.method, url: info.url, status: response.status });

    try {
      return await this.#handleResponse<T>(response, request, url);
    } catch (error) {
      throw error instanceof KnimeError
        ? error
        : this.#connectionError(error, request, controller.signal, timeoutMs);
    } finally {
      if (request.responseType !== 'stream') cleanup();
      else clearTimer();
    }
  }

  async #handleResponse<T>(response: Response, request: HttpRequest, url: string): Promise<HttpResponse<T>> {
    const info = this.#info(request);
    const passed = request.passStatuses?.includes(response.status) ?? false;

    if (!response.ok && !passed) {
      const text = await readLimitedText(response);
      throw this.#statusError(response, text, info);
    }

    const base = { status: response.status, headers: response.headers, url: redactUrl(url) };
    const type = passed && !response.ok ? 'none' : (request.responseType ?? 'json');

    if (type === 'stream') return { ...base, data: undefined as T, body: response.body };
    if (type === 'none') {
      await response.body?.cancel().catch(() => {});
      return { ...base, data: undefined as T, body: null };
    }

    const text = await response.text();
    if (type === 'text') return { ...base, data: text as T, body: null };

    const contentType = response.headers.get('content-type');
    if (text.trim() === '') return { ...base, data: null as T, body: null };
    const parsed = isHtml(text, contentType) ? undefined : tryParseJson(text);
    if (parsed === undefined) {
      const excerpt = describeBody(redactText(text, this.authenticator.secrets()), contentType);
      const error = new ProtocolError(
        `${info.method} ${info.url} returned HTTP ${response.status} with a body that is not JSON ` +
          `(${contentType ?? 'no content type'}): ${excerpt}`,
        { request: info, status: response.status, body: excerpt },
      );
      // A proxy or load balancer can return an HTML page for a moment, so a repeat may succeed.
      throw Object.assign(error, { transient: true });
    }
    return { ...base, data: parsed as T, body: null };
  }

  #statusError(response: Response, text: string, info: { method: string; url: string }): KnimeError {
    const status = response.status;
    const contentType = response.headers.get('content-type');
    const excerpt = describeBody(redactText(text, this.authenticator.secrets()), contentType);
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    const message = `${info.method} ${info.url} failed with HTTP ${status}${statusText}${excerpt ? `: ${excerpt}` : ''}`;
    const options: KnimeErrorOptions = { request: info, status, body: excerpt };

    if (status === 401)
      return new AuthenticationError(`${message} (check the user name, password or token)`, options);
    if (status === 403)
      return new PermissionError(`${message} (the user lacks the right for this request)`, options);
    if (status === 404 || status === 410) return new NotFoundError(message, options);
    if (isTransientStatus(status)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
      return Object.assign(new ServerError(message, options), { transient: true, retryAfterMs });
    }
    if (INPUT_ERROR_STATUSES.has(status)) return new InvalidInputError(message, options);
    // Any other status, such as 405, 415 or 418, means the request reached something that does
    // not behave like the expected API: a wrong URL, a proxy, or a server version the client does
    // not know. Changing the inputs would not help, so it is no input error.
    return new ProtocolError(
      `${message} (unexpected status for this request; check the server URL, or report a bug)`,
      options,
    );
  }

  #connectionError(
    error: unknown,
    request: HttpRequest,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): KnimeError {
    const info = this.#info(request);
    if (request.signal?.aborted) {
      return new CancelledError(`${info.method} ${info.url} was aborted`, {
        request: info,
        cause: request.signal.reason,
      });
    }
    if (signal?.aborted && signal.reason instanceof RequestTimeout) {
      const timeout = new TimeoutError(
        `${info.method} ${info.url} timed out: no complete response within the per-request timeout of ${timeoutMs} ms`,
        { request: info, clock: 'request', limitMs: timeoutMs },
      );
      return Object.assign(timeout, { transient: true });
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    const network = new NetworkError(`${info.method} ${info.url} failed: connection error (${detail})`, {
      request: info,
      cause: error,
    });
    return Object.assign(network, { transient: true });
  }

  #info(request: HttpRequest): { method: string; url: string } {
    return { method: request.method, url: this.#safeUrl(request) };
  }

  #safeUrl(request: HttpRequest): string {
    return redactUrl(this.url(request.path, request.query));
  }

  async #fetchJwt(basic: string, signal: AbortSignal | undefined): Promise<string> {
    const url = this.url('/auth/jwt');
    const info = { method: 'GET', url: redactUrl(url) };
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const clearTimer = this.clock.setTimer(this.#requestTimeoutMs, () =>
      controller.abort(new RequestTimeout()),
    );
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method: 'GET',
        headers: { ...this.#headers, Accept: 'text/plain, */*', Authorization: basic },
        signal: controller.signal,
      });
      text = await readLimitedText(response);
    } catch (error) {
      const request: HttpRequest = { method: 'GET', path: '/auth/jwt', idempotent: true, signal };
      throw this.#connectionError(error, request, controller.signal, this.#requestTimeoutMs);
    } finally {
      clearTimer();
      signal?.removeEventListener('abort', onCallerAbort);
    }
    if (response.status !== 200) {
      const excerpt = describeBody(
        redactText(text, this.authenticator.secrets()),
        response.headers.get('content-type'),
      );
      const error = new AuthenticationError(
        `GET ${info.url} failed with HTTP ${response.status}: could not obtain a JWT${excerpt ? ` (${excerpt})` : ''}`,
        { request: info, status: response.status, body: excerpt },
      );
      throw Object.assign(error, { tokenExchange: true });
    }
    const token = text.trim();
    if (token === '' || /\s/.test(token) || token.startsWith('<')) {
      throw new ProtocolError(`GET ${info.url} returned HTTP 200 without a plain-text JWT in the body`, {
        request: info,
        status: 200,
      });
    }
    return token;
  }
}
