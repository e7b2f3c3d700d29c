import { CancelledError } from './errors.js';
import type { AlteryxHttp, TokenSource } from './http.js';
import type { AlteryxClock, AlteryxLogger } from './types.js';
import { parseTokenResponse } from './wire.js';

interface CachedToken {
  value: string;
  /** Epoch milliseconds after which the token is replaced before use. */
  renewAtMs: number;
}

/**
 * OAuth 2 client-credentials tokens from `POST oauth2/token`. The server issues no refresh token, so
 * a token is replaced by a new request once it is close to expiry or after the server rejected it.
 * Concurrent callers share one pending request.
 */
export class AlteryxTokenCache implements TokenSource {
  readonly #http: AlteryxHttp;
  readonly #clock: AlteryxClock;
  readonly #logger: AlteryxLogger;
  readonly #apiKey: string;
  readonly #apiSecret: string;
  readonly #credentialsIn: 'body' | 'basic';
  readonly #refreshMarginMs: number;
  #cached: CachedToken | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: {
    http: AlteryxHttp;
    clock: AlteryxClock;
    logger: AlteryxLogger;
    apiKey: string;
    apiSecret: string;
    credentialsIn: 'body' | 'basic';
    refreshMarginMs: number;
  }) {
    this.#http = options.http;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#apiKey = options.apiKey;
    this.#apiSecret = options.apiSecret;
    this.#credentialsIn = options.credentialsIn;
    this.#refreshMarginMs = options.refreshMarginMs;
  }

  /** The current token, for redaction; undefined before the first request. */
  get current(): string | undefined {
    return this.#cached?.value;
  }

  /**
   * Returns a valid token. Concurrent callers share one token request, which runs without any
   * caller's signal so that one caller's abort does not fail the others; `signal` only ends this
   * caller's wait.
   */
  async get(signal?: AbortSignal): Promise<string> {
    if (this.#cached && this.#clock.now() < this.#cached.renewAtMs) return this.#cached.value;
    this.#pending ??= this.#request().finally(() => {
      this.#pending = undefined;
    });
    return signal ? untilAborted(this.#pending, signal) : this.#pending;
  }

  invalidate(token: string): void {
    if (this.#cached?.value === token) this.#cached = undefined;
  }

  async #request(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {};
    if (this.#credentialsIn === 'basic') {
      const pair = `${encodeURIComponent(this.#apiKey)}:${encodeURIComponent(this.#apiSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', this.#apiKey);
      form.set('client_secret', this.#apiSecret);
    }

    const requestedAt = this.#clock.now();
    const body = await this.#http.json({
      method: 'POST',
      path: 'oauth2/token',
      form,
      headers,
      auth: false,
      // A token request creates nothing that lasts, so it is retried like a GET.
      idempotent: true,
    });

    const token = parseTokenResponse(body);
    const lifetimeMs = token.expiresInSeconds * 1000;
    const margin = Math.min(this.#refreshMarginMs, lifetimeMs / 2);
    this.#cached = { value: token.accessToken, renewAtMs: requestedAt + lifetimeMs - margin };
    this.#logger.debug('alteryx access token obtained', { expiresInSeconds: token.expiresInSeconds });
    return token.accessToken;
  }
}

/** Settles like `promise`, or rejects with a CancelledError once `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const cancelled = () =>
    new CancelledError('waiting for an Alteryx access token was aborted by the caller', {
      cause: signal.reason,
    });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
