import { redactText } from '../transport/redact.js';
import {
  isTransientStatus,
  parseRetryAfter,
  type ResolvedRetryOptions,
  retryDelay,
} from '../transport/retry.js';
import {
  AlteryxInvalidInputError,
  AuthenticationError,
  CancelledError,
  type KnimeError,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  type RequestInfo,
  ServerError,
  TimeoutError,
} from './errors.js';
import type { AlteryxClock, AlteryxLogger } from './types.js';

/** One request of the client. */
export interface AlteryxRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path relative to the base URL, such as `v3/jobs/{id}`; leading slashes are ignored. */
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: URLSearchParams;
  headers?: Record<string, string>;
  /**
   * Whether the request may be sent again after a network error or a retryable status. True only
   * for GET and token requests: a queue request must never be repeated blindly.
   */
  idempotent: boolean;
  /** Send `Authorization: Bearer <token>`. False only for the token request itself. */
  auth?: boolean;
  signal?: AbortSignal | undefined;
}

/** Source of access tokens, implemented by the token cache. */
export interface TokenSource {
  get(signal?: AbortSignal): Promise<string>;
  /** Drops `token` so that the next `get` requests a new one. */
  invalidate(token: string): void;
}

/** Maximum number of body characters copied into an error. */
const BODY_EXCERPT_CHARS = 300;

interface HttpSettings {
  baseUrl: string;
  fetch: typeof fetch;
  clock: AlteryxClock;
  logger: AlteryxLogger;
  requestTimeoutMs: number;
  retry: ResolvedRetryOptions;
  /** Strings replaced by `[REDACTED]` in every error message and body excerpt, besides Bearer and Basic values. */
  secrets: () => readonly string[];
}

/**
 * Normalizes the configured Web API address to end with exactly one slash, so that relative
 * routes keep its last segment (`/webapi`).
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AlteryxInvalidInputError(
      `invalid Alteryx base URL ${JSON.stringify(baseUrl)}: use the server's Web API address, such as https://alteryx.example.test/webapi/`,
      { names: ['baseUrl'] },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AlteryxInvalidInputError(`invalid Alteryx base URL ${baseUrl}: it must use http or https`, {
      names: ['baseUrl'],
    });
  }
  if (url.username || url.password) {
    throw new AlteryxInvalidInputError(
      'the Alteryx base URL must not contain credentials; pass apiKey and apiSecret',
      {
        names: ['baseUrl'],
      },
    );
  }
  url.pathname = `${url.pathname.replace(/\/+/g, '/').replace(/\/$/, '')}/`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Joins the normalized base URL and a route with exactly one slash between them. */
export function joinUrl(baseUrl: string, path: string, query?: Record<string, string | undefined>): string {
  const url = new URL(`${baseUrl}${path.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

/**
 * Decodes a JSON body. One leading byte-order mark (U+FEFF) is removed first, because some routes
 * send it. Throws a protocol error for HTML or invalid JSON.
 */
export function parseJsonBody(bytes: Uint8Array, request: RequestInfo, status: number): unknown {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).replace(/^\uFEFF/, '');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError(
      `${request.method} ${request.url} returned a body that is not JSON (HTTP ${status}); check that the base URL is the Web API address`,
      { request, status, body: text.slice(0, BODY_EXCERPT_CHARS), cause },
    );
  }
}

/**
 * Sends requests to the Alteryx Server: adds the bearer token, retries idempotent requests with
 * backoff, fetches one new token after a 401, and turns failures into the client's errors.
 */
export class AlteryxHttp {
  readonly #settings: HttpSettings;
  #tokens: TokenSource | undefined;

  constructor(settings: HttpSettings) {
    this.#settings = settings;
  }

  get baseUrl(): string {
    return this.#settings.baseUrl;
  }

  useTokens(tokens: TokenSource): void {
    this.#tokens = tokens;
  }

  /**
   * Sends the request and returns the parsed JSON body of a 2xx response. The body is read within
   * the attempt, so the per-request timeout covers it and a cut body of an idempotent request is
   * retried.
   */
  async json(request: AlteryxRequest): Promise<unknown> {
    const { response, info, bytes } = await this.#send(request, true);
    return parseJsonBody(bytes ?? new Uint8Array(), info, response.status);
  }

  /**
   * Sends the request and returns the 2xx response with its body unread. The per-request timeout
   * stops once the headers arrived, so long downloads are not cut.
   */
  async send(request: AlteryxRequest): Promise<{ response: Response; info: RequestInfo }> {
    const { response, info } = await this.#send(request, false);
    return { response, info };
  }

  async #send(
    request: AlteryxRequest,
    readBody: boolean,
  ): Promise<{ response: Response; info: RequestInfo; bytes: Uint8Array | undefined }> {
    const url = joinUrl(this.#settings.baseUrl, request.path, request.query);
    const info: RequestInfo = { method: request.method, url };
    const { logger } = this.#settings;
    let retries = 0;
    let sleptMs = 0;
    let refreshedToken = false;

    for (;;) {
      const token = request.auth === false ? undefined : await this.#token(request.signal);
      const attempt = await this.#attempt(request, info, token, readBody);

      if (attempt.kind === 'response') {
        const { response, bytes } = attempt;
        if (response.ok) return { response, info, bytes };

        if (response.status === 401 && token !== undefined && !refreshedToken) {
          if (bytes === undefined) await response.body?.cancel();
          this.#tokens?.invalidate(token);
          refreshedToken = true;
          logger.info('alteryx token rejected; requesting a new one', { method: info.method, url });
          continue;
        }

        if (request.idempotent && isTransientStatus(response.status)) {
          const delay = this.#nextDelay(retries, sleptMs, response.headers.get('retry-after'));
          if (delay !== undefined) {
            if (bytes === undefined) await response.body?.cancel();
            retries++;
            sleptMs += delay;
            await this.#pauseBeforeRetry(info, request.signal, delay, {
              status: response.status,
              retry: retries,
            });
            continue;
          }
        }

        throw await this.#errorFor(response, info, request, bytes);
      }

      const failure = attempt.error;
      if (failure instanceof CancelledError) throw failure;
      const delay = request.idempotent ? this.#nextDelay(retries, sleptMs, null) : undefined;
      if (delay !== undefined) {
        retries++;
        sleptMs += delay;
        await this.#pauseBeforeRetry(info, request.signal, delay, { error: failure.message, retry: retries });
        continue;
      }
      throw failure;
    }
  }

  async #token(signal: AbortSignal | undefined): Promise<string> {
    if (!this.#tokens) throw new Error('AlteryxHttp has no token source');
    return this.#tokens.get(signal);
  }

  /**
   * Sends one attempt and, with `readBody`, reads the whole body under the same timeout. Network
   * failures and timeouts come back as errors, never as throws.
   */
  async #attempt(
    request: AlteryxRequest,
    info: RequestInfo,
    token: string | undefined,
    readBody: boolean,
  ): Promise<
    | { kind: 'response'; response: Response; bytes: Uint8Array | undefined }
    | { kind: 'error'; error: KnimeError }
  > {
    const { clock, requestTimeoutMs } = this.#settings;
    const controller = new AbortController();
    const timedOut = new Error('request timed out');
    const stopTimer = clock.setTimer(requestTimeoutMs, () => controller.abort(timedOut));
    const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;

    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let body: string | URLSearchParams | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = request.form;
    }

    let status: number | undefined;
    try {
      const response = await this.#settings.fetch(info.url, {
        method: request.method,
        headers,
        body,
        signal,
      });
      status = response.status;
      const bytes = readBody ? new Uint8Array(await response.arrayBuffer()) : undefined;
      return { kind: 'response', response, bytes };
    } catch (cause) {
      if (request.signal?.aborted) {
        return {
          kind: 'error',
          error: new CancelledError(`${info.method} ${info.url} was aborted by the caller`, {
            request: info,
            cause: request.signal.reason,
          }),
        };
      }
      if (controller.signal.aborted) {
        return {
          kind: 'error',
          error: new TimeoutError(
            `${info.method} ${info.url} timed out: no complete response within the request timeout of ${requestTimeoutMs} ms`,
            {
              request: info,
              clock: 'request',
              limitMs: requestTimeoutMs,
              cause,
              ...(status ? { status } : {}),
            },
          ),
        };
      }
      return {
        kind: 'error',
        error: new NetworkError(
          `${info.method} ${info.url} failed${status ? ` while reading the body of HTTP ${status}` : ''}: ${describeNetworkError(cause)}`,
          { request: info, cause, ...(status ? { status } : {}) },
        ),
      };
    } finally {
      stopTimer();
    }
  }

  /**
   * Returns the pause before the next retry, or undefined when no retry is left: the retry count or
   * the retry budget is used up, or `Retry-After` asks for more than `maxRetryAfterMs`.
   */
  #nextDelay(retries: number, sleptMs: number, retryAfter: string | null): number | undefined {
    const { retry, clock } = this.#settings;
    if (retries >= retry.maxRetries) return undefined;
    const retryAfterMs = parseRetryAfter(retryAfter, clock.now());
    if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) return undefined;
    const delay = retryDelay(retry, retries + 1, retryAfterMs);
    return sleptMs + delay > retry.budgetMs ? undefined : delay;
  }

  /** Logs the retry, then sleeps `ms`; an abort during the pause becomes a CancelledError. */
  async #pauseBeforeRetry(
    info: RequestInfo,
    signal: AbortSignal | undefined,
    ms: number,
    fields: Record<string, unknown>,
  ): Promise<void> {
    this.#settings.logger.warn('alteryx request failed; retrying', {
      method: info.method,
      url: info.url,
      ...fields,
      delayMs: ms,
    });
    try {
      await this.#settings.clock.sleep(ms, signal);
    } catch (cause) {
      throw new CancelledError(`${info.method} ${info.url} was aborted by the caller during a retry pause`, {
        request: info,
        cause,
      });
    }
  }

  /** Builds the error for a non-2xx response: the server's `message` when present, else the body start. */
  async #errorFor(
    response: Response,
    info: RequestInfo,
    request: AlteryxRequest,
    read: Uint8Array | undefined,
  ): Promise<KnimeError> {
    const status = response.status;
    let bytes = read ?? new Uint8Array();
    if (read === undefined) {
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch {
        // The body is only used for the message; a broken body leaves it empty.
      }
    }
    const text = this.#redact(
      new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).replace(/^\uFEFF/, ''),
    );
    const parsed = safeJson(text);
    const serverMessage = readMessage(parsed);
    const excerpt = text.slice(0, BODY_EXCERPT_CHARS);
    const detail = serverMessage ?? (excerpt.trim() === '' ? '(empty body)' : excerpt.trim());
    const prefix = `${info.method} ${info.url} failed: HTTP ${status}`;
    const options = { request: info, status, body: excerpt };

    if (request.auth === false) {
      if (status === 400 || status === 401) {
        return new AuthenticationError(
          `${prefix} ${detail}: the token request was rejected; check the API key and secret from My Profile > Keys`,
          options,
        );
      }
    }
    if (status === 401) {
      return new AuthenticationError(
        `${prefix} ${detail}: the access token was rejected twice; check that API access is enabled for this user`,
        options,
      );
    }
    if (status === 403) {
      return new PermissionError(`${prefix} ${detail}: the user lacks the role for this request`, options);
    }
    if (status === 404) return new NotFoundError(`${prefix} ${detail}`, options);
    if (status === 400 || status === 409 || status === 422) {
      const modelState = readModelState(parsed);
      const fields = Object.entries(modelState).map(([field, errors]) => `${field}: ${errors.join(' ')}`);
      const message = fields.length > 0 ? `${prefix} ${detail} ${fields.join('; ')}` : `${prefix} ${detail}`;
      return new AlteryxInvalidInputError(message, {
        ...options,
        names: Object.keys(modelState),
        modelState,
      });
    }
    if (status >= 500 || status === 408 || status === 429) {
      return new ServerError(`${prefix} ${detail}`, options);
    }
    return new ProtocolError(`${prefix} ${detail}`, options);
  }

  #redact(text: string): string {
    return redactText(text, this.#settings.secrets());
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads `message` (ASP.NET Web API), `Message` or the OAuth `error` fields from an error body. */
function readMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'Message', 'error_description', 'error']) {
    if (typeof record[key] === 'string' && record[key] !== '') return record[key] as string;
  }
  return undefined;
}

function readModelState(body: unknown): Record<string, string[]> {
  if (typeof body !== 'object' || body === null) return {};
  const modelState =
    (body as Record<string, unknown>).modelState ?? (body as Record<string, unknown>).ModelState;
  if (typeof modelState !== 'object' || modelState === null) return {};
  const result: Record<string, string[]> = {};
  for (const [field, errors] of Object.entries(modelState)) {
    result[field] = Array.isArray(errors) ? errors.map(String) : [String(errors)];
  }
  return result;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code} (${cause.message ?? 'connection failed'})`;
  return error instanceof Error ? error.message : String(error);
}
