/**
 * Credentials: the Authorization header for each request, and JWT refresh.
 */
import type { Auth, Clock, Logger } from './types.js';

/** Maximum time before the `exp` claim at which a JWT counts as expired (clock skew), in milliseconds. */
const JWT_EXPIRY_MARGIN_MS = 30_000;

/** Fetches a new token, for example from `GET <root>/rest/v4/auth/jwt` with Basic credentials. */
export type TokenFetcher = (basicHeader: string, signal: AbortSignal | undefined) => Promise<string>;

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Reads the `exp` claim of a JWT in epoch milliseconds, or `undefined` when it has none. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Produces the Authorization header and refreshes JWTs. One instance per client. */
export class Authenticator {
  readonly #auth: Auth | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #fetchToken: TokenFetcher | undefined;
  #token: string | undefined;
  #expiresAt: number | undefined;
  #margin = 0;
  #pending: Promise<string> | undefined;

  constructor(auth: Auth | undefined, clock: Clock, logger: Logger) {
    this.#auth = auth;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** Connects the JWT exchange; the HTTP client does this once it exists. */
  setTokenFetcher(fetcher: TokenFetcher): void {
    this.#fetchToken = fetcher;
  }

  /** Secrets to mask in every message and log record. */
  secrets(): string[] {
    const auth = this.#auth;
    const result: string[] = [];
    if (!auth) return result;
    if (auth.type === 'bearer') result.push(auth.token);
    else {
      result.push(auth.password);
      result.push(basicHeader(auth.username, auth.password).slice('Basic '.length));
    }
    if (this.#token) result.push(this.#token);
    return result;
  }

  /** Whether a new token can be fetched after a 401. */
  get refreshable(): boolean {
    return this.#auth?.type === 'jwt';
  }

  /** Value of the Authorization header, fetching a JWT first when needed. */
  async header(signal?: AbortSignal): Promise<string | undefined> {
    const auth = this.#auth;
    if (!auth) return undefined;
    if (auth.type === 'basic') return basicHeader(auth.username, auth.password);
    if (auth.type === 'bearer') return `Bearer ${auth.token}`;

    const expired = this.#expiresAt !== undefined && this.#clock.now() >= this.#expiresAt - this.#margin;
    if (this.#token === undefined || expired) {
      if (expired) this.#logger.debug('JWT expired; fetching a new one');
      await this.refresh(signal);
    }
    return `Bearer ${this.#token}`;
  }

  /** Drops the current JWT and fetches a new one. Concurrent callers share one request. */
  async refresh(signal?: AbortSignal): Promise<void> {
    const auth = this.#auth;
    if (auth?.type !== 'jwt') return;
    if (!this.#fetchToken) throw new Error('JWT authentication is not connected to an HTTP client');
    if (!this.#pending) {
      this.#pending = this.#fetchToken(basicHeader(auth.username, auth.password), signal).finally(() => {
        this.#pending = undefined;
      });
    }
    const token = await this.#pending;
    const fetchedAt = this.#clock.now();
    this.#token = token;
    this.#expiresAt = jwtExpiry(token);
    // Short-lived tokens get half their lifetime as margin, so they are not fetched for every request.
    const lifetime = this.#expiresAt === undefined ? 0 : Math.max(0, this.#expiresAt - fetchedAt);
    this.#margin = Math.min(JWT_EXPIRY_MARGIN_MS, lifetime / 2);
  }
}
