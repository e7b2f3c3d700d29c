/**
 * HTTP layer of the Oozie client: URLs under the protocol version, `user.name`/`doAs`, credentials
 * and the `hadoop.auth` cookie, per-request timeouts on the client clock, retries of idempotent
 * requests, and mapping of Oozie's header-only error details into the library's error tree.
 */
import {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  type KnimeError,
  type KnimeErrorOptions,
  NetworkError,
  NotFoundError,
  PermissionError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import { redactUrl } from '../transport/redact.js';
import { isTransientStatus, type ResolvedRetryOptions, retryDelay } from '../transport/retry.js';
import type { Clock, Logger } from '../transport/types.js';
import {
  type OozieErrorDetail,
  OozieNegotiateRequiredError,
  OozieProtocolError,
  OozieSafeModeError,
  readOozieErrorHeaders,
} from './errors.js';
import { obtainHadoopAuthCookieWithCurl } from './kerberos.js';
import type { OozieAuth } from './types.js';

export interface OozieRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path below the protocol version (`/jobs`, `/job/<id>`), or below the base URL when `unversioned`. */
  path: string;
  unversioned?: boolean;
  query?: Record<string, string | undefined>;
  /** XML body, sent as `application/xml;charset=UTF-8`. */
  xml?: string;
  /** Idempotent requests are retried on connection errors and 5xx; others never are. */
  idempotent: boolean;
  /** Retry while the server returns `E0002` (safe mode): the server did nothing, so it is safe. */
  retrySafeMode?: boolean;
  responseType: 'json' | 'text' | 'none';
  signal?: AbortSignal;
}

export interface OozieResponse {
  status: number;
  headers: Headers;
  data: unknown;
}

export interface OozieHttpOptions {
  baseUrl: string;
  version: () => Promise<string>;
  user: string | undefined;
  doAs: string | undefined;
  auth: OozieAuth;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  retry: ResolvedRetryOptions;
  requestTimeoutMs: number;
  safeModeWaitMs: number;
}

/** Attaches Oozie's error code and message to an error of the general tree. */
function withDetail<E extends KnimeError>(error: E, detail: OozieErrorDetail): E & OozieErrorDetail {
  return Object.assign(error, detail);
}

class RequestTimeout extends Error {}

/** Returns whether a request that failed without a response is worth another attempt. */
function isRetryableFailure(error: KnimeError): boolean {
  return error instanceof NetworkError || (error instanceof TimeoutError && error.clock === 'request');
}

const AUTH_COOKIE = 'hadoop.auth';

export class OozieHttp {
  readonly #options: OozieHttpOptions;
  /** `hadoop.auth` cookie value handed out by the server, reused until it is rejected. */
  #cookie: string | undefined;

  constructor(options: OozieHttpOptions) {
    this.#options = options;
    if (options.auth.type === 'cookie') this.#cookie = options.auth.value;
  }

  /**
   * Sends one request and returns its successful response.
   *
   * @throws NotFoundError for `E0604`/`E0605` (Oozie returns 400 for unknown jobs), InvalidInputError
   *   for other 4xx, AuthenticationError/PermissionError for 401/403, OozieNegotiateRequiredError for
   *   a `Negotiate` challenge the client cannot respond to, ServerError for 5xx, NetworkError,
   *   TimeoutError (clock `request`) and CancelledError.
   */
  async request(request: OozieRequest): Promise<OozieResponse> {
    const { clock, logger, retry } = this.#options;
    const url = await this.#url(request);
    const shownUrl = redactUrl(url);
    const requestLine = `${request.method} ${shownUrl}`;

    let retries = 0;
    let retrySleptMs = 0;
    let safeModeSleptMs = 0;
    let reauthenticated = false;
    let negotiateToken: string | undefined;
    let curlLoginDone = false;

    for (;;) {
      let response: Response;
      try {
        response = await this.#send(request, url, negotiateToken);
      } catch (error) {
        const mapped = this.#mapSendError(error, request, shownUrl);
        if (isRetryableFailure(mapped) && request.idempotent && retries < retry.maxRetries) {
          const delay = retryDelay(retry, ++retries);
          if (retrySleptMs + delay <= retry.budgetMs) {
            retrySleptMs += delay;
            logger.warn('Oozie request failed, retrying', {
              request: requestLine,
              retry: retries,
              delayMs: delay,
              error,
            });
            await clock.sleep(delay, request.signal);
            continue;
          }
        }
        throw mapped;
      }

      this.#rememberCookie(response.headers);
      const detail = readOozieErrorHeaders(response.headers);

      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        const challenge = response.headers.get('www-authenticate') ?? '';

        if (this.#cookie !== undefined && !reauthenticated && this.#options.auth.type !== 'cookie') {
          // Hadoop-Auth returns 401, or 403 on some releases, when its cookie expired: log in again once.
          reauthenticated = true;
          this.#cookie = undefined;
          logger.info('Oozie rejected the hadoop.auth cookie, authenticating again', {
            request: requestLine,
          });
          continue;
        }
        if (/\bNegotiate\b/i.test(challenge) && response.status === 401) {
          const { auth } = this.#options;
          if (auth.type === 'spnego' && negotiateToken === undefined) {
            negotiateToken = await auth.token(new URL(url).hostname);
            continue;
          }
          if (auth.type === 'kerberos-curl' && !curlLoginDone) {
            curlLoginDone = true;
            const loginUrl = `${this.#options.baseUrl.replace(/\/+$/, '')}/${await this.#options.version()}/admin/status`;
            logger.info('Oozie requires Kerberos, logging in with curl --negotiate', { url: loginUrl });
            this.#cookie = await obtainHadoopAuthCookieWithCurl(loginUrl, auth);
            continue;
          }
          throw new OozieNegotiateRequiredError(
            this.#options.baseUrl,
            this.#errorOptions(request, shownUrl, 401),
          );
        }
        throw this.#statusError(response.status, detail, request, shownUrl);
      }

      if (response.status === 503 && detail.oozieCode === 'E0002' && request.retrySafeMode) {
        await response.body?.cancel();
        const delay = Math.min(retryDelay(retry, Math.min(++retries, 8)), this.#options.safeModeWaitMs);
        if (safeModeSleptMs + delay > this.#options.safeModeWaitMs) {
          throw withDetail(
            new OozieSafeModeError(
              `Oozie is in safe mode (E0002) and rejected ${requestLine} for ${safeModeSleptMs} ms; retry once the ` +
                'system mode is NORMAL (GET /v2/admin/status)',
              this.#errorOptions(request, shownUrl, 503),
            ),
            detail,
          );
        }
        safeModeSleptMs += delay;
        logger.warn('Oozie is in safe mode, waiting', { request: requestLine, delayMs: delay });
        await clock.sleep(delay, request.signal);
        continue;
      }

      if (response.status >= 400) {
        await response.body?.cancel();
        if (isTransientStatus(response.status) && request.idempotent && retries < retry.maxRetries) {
          const delay = retryDelay(retry, ++retries);
          if (retrySleptMs + delay <= retry.budgetMs) {
            retrySleptMs += delay;
            logger.warn('Oozie request failed, retrying', {
              request: requestLine,
              status: response.status,
              delayMs: delay,
            });
            await clock.sleep(delay, request.signal);
            continue;
          }
        }
        throw this.#statusError(response.status, detail, request, shownUrl);
      }

      try {
        return {
          status: response.status,
          headers: response.headers,
          data: await this.#readBody(response, request),
        };
      } catch (error) {
        if (error instanceof OozieProtocolError) throw error;
        const mapped = this.#mapSendError(error, request, shownUrl);
        if (isRetryableFailure(mapped) && request.idempotent && retries < retry.maxRetries) {
          const delay = retryDelay(retry, ++retries);
          retrySleptMs += delay;
          logger.warn('Oozie response body broke off, retrying', { request: requestLine, delayMs: delay });
          await clock.sleep(delay, request.signal);
          continue;
        }
        throw mapped;
      }
    }
  }

  async #url(request: OozieRequest): Promise<string> {
    const base = this.#options.baseUrl.replace(/\/+$/, '');
    const prefix = request.unversioned ? '' : `/${await this.#options.version()}`;
    const url = new URL(`${base}${prefix}${request.path}`);
    const query: Record<string, string | undefined> = {
      ...request.query,
      'user.name': this.#options.user,
      doAs: this.#options.doAs,
    };
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return url.toString();
  }

  async #send(request: OozieRequest, url: string, negotiateToken: string | undefined): Promise<Response> {
    const headers = new Headers({ accept: 'application/json, text/plain;q=0.9' });
    const { auth } = this.#options;
    if (auth.type === 'basic') {
      headers.set(
        'authorization',
        `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      );
    } else if (auth.type === 'headers') {
      for (const [name, value] of Object.entries(auth.headers)) headers.set(name, value);
    }
    if (negotiateToken !== undefined) headers.set('authorization', `Negotiate ${negotiateToken}`);
    if (this.#cookie !== undefined)
      headers.set('cookie', `${AUTH_COOKIE}="${this.#cookie.replace(/^"|"$/g, '')}"`);
    if (request.xml !== undefined) headers.set('content-type', 'application/xml;charset=UTF-8');

    const controller = new AbortController();
    const cancelTimer = this.#options.clock.setTimer(this.#options.requestTimeoutMs, () =>
      controller.abort(new RequestTimeout()),
    );
    const signal = AbortSignal.any(
      request.signal ? [controller.signal, request.signal] : [controller.signal],
    );

    // An injected fetch may ignore the signal, so the abort also ends the wait for the response.
    let stopListening = () => {};
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      stopListening = () => signal.removeEventListener('abort', onAbort);
    });
    aborted.catch(() => {});

    try {
      return await Promise.race([
        this.#options.fetch(url, { method: request.method, headers, body: request.xml, signal }),
        aborted,
      ]);
    } finally {
      stopListening();
      cancelTimer();
    }
  }

  async #readBody(response: Response, request: OozieRequest): Promise<unknown> {
    if (request.responseType === 'none') {
      await response.body?.cancel();
      return undefined;
    }
    const text = await response.text();
    if (request.responseType === 'text') return text;

    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json' && !type.endsWith('+json')) {
      throw new OozieProtocolError(
        `Oozie returned "${type || 'no content type'}" for ${request.method} ${redactUrl(response.url || request.path)} ` +
          'instead of JSON; check that the base URL points at the Oozie context, such as http://host:11000/oozie',
        { status: response.status, body: text.slice(0, 300) },
      );
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new OozieProtocolError(`Oozie returned invalid JSON for ${request.method} ${request.path}`, {
        status: response.status,
        body: text.slice(0, 300),
        cause: error,
      });
    }
  }

  #rememberCookie(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const match = /^\s*hadoop\.auth=("?)([^";]*)\1/.exec(line);
      if (!match) continue;
      // An empty value is how Hadoop-Auth clears the cookie.
      this.#cookie = match[2] ? match[2] : undefined;
    }
  }

  #errorOptions(request: OozieRequest, url: string, status?: number, cause?: unknown): KnimeErrorOptions {
    return { request: { method: request.method, url }, status, cause };
  }

  #mapSendError(error: unknown, request: OozieRequest, url: string): KnimeError {
    const requestLine = `${request.method} ${url}`;
    if (request.signal?.aborted) {
      return new CancelledError(
        `Oozie request ${requestLine} was aborted by the caller`,
        this.#errorOptions(request, url, undefined, error),
      );
    }
    if (
      error instanceof RequestTimeout ||
      (error instanceof Error && error.cause instanceof RequestTimeout)
    ) {
      return new TimeoutError(
        `Oozie request ${requestLine} timed out: no response within the per-request timeout of ${this.#options.requestTimeoutMs} ms`,
        { ...this.#errorOptions(request, url), clock: 'request', limitMs: this.#options.requestTimeoutMs },
      );
    }
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    return new NetworkError(
      `Oozie request ${requestLine} failed: ${reason}`,
      this.#errorOptions(request, url, undefined, error),
    );
  }

  #statusError(status: number, detail: OozieErrorDetail, request: OozieRequest, url: string): KnimeError {
    const requestLine = `${request.method} ${url}`;
    const reason = detail.oozieMessage ?? detail.oozieCode ?? `no oozie-error-message header`;
    const message = `Oozie request ${requestLine} failed with HTTP ${status}: ${reason}`;
    const options = this.#errorOptions(request, url, status);
    const code = detail.oozieCode;

    if (code === 'E0604' || code === 'E0605') return withDetail(new NotFoundError(message, options), detail);
    if (status === 401) {
      if (code === 'E0508' || code === 'E0509' || code === 'E1400')
        return withDetail(new PermissionError(message, options), detail);
      return withDetail(
        new AuthenticationError(`${message}; check the user name and credentials`, options),
        detail,
      );
    }
    if (status === 403) return withDetail(new PermissionError(message, options), detail);
    if (status === 404 && code === undefined) {
      return withDetail(
        new OozieProtocolError(
          `${message}; check that the base URL ends with the Oozie context, such as /oozie`,
          options,
        ),
        detail,
      );
    }
    if (status >= 500 || status === 408 || status === 429)
      return withDetail(new ServerError(message, options), detail);
    return withDetail(new InvalidInputError(message, options), detail);
  }
}
