/**
 * Types of the transport layer: clock, logger, credentials, TLS and retry settings.
 */

/**
 * Time source of the client. Every deadline, poll interval, retry delay and per-request timeout
 * comes from it, so tests can drive long jobs with a manual clock.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. Rejects with the signal's reason when `signal` aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `callback` after `ms` milliseconds unless the returned function is called first. Used for
   * per-request timeouts, which must not move a manual clock forward on their own.
   */
  setTimer(ms: number, callback: () => void): () => void;
}

/** Log levels, from the most to the least verbose. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of a log record. Values pass through redaction before they reach the sink. */
export type LogFields = Record<string, unknown>;

/**
 * Sink for the library's log records. The library never writes to stdout or stderr itself.
 * Records never contain passwords, tokens or Authorization headers.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** HTTP Basic credentials, sent on every request. */
export interface BasicAuth {
  type: 'basic';
  username: string;
  password: string;
}

/** A bearer token obtained elsewhere, sent as is and never refreshed. */
export interface BearerAuth {
  type: 'bearer';
  token: string;
}

/**
 * User name and password exchanged for a JWT at `GET <root>/rest/v4/auth/jwt`. The JWT is sent as
 * `Bearer`, and fetched again when its `exp` claim has passed or when a request gets HTTP 401.
 */
export interface JwtAuth {
  type: 'jwt';
  username: string;
  password: string;
}

export type Auth = BasicAuth | BearerAuth | JwtAuth;

/**
 * TLS settings. When any is given, requests go through an undici `Agent` passed as `dispatcher`.
 * Certificate verification stays on unless `rejectUnauthorized` is explicitly `false`.
 */
export interface TlsOptions {
  /** PEM certificate authorities to trust in addition to, or instead of, the system store. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** PEM client certificate and key for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /**
   * Verify the server certificate.
   * @default true
   */
  rejectUnauthorized?: boolean;
}

/** Retry policy of idempotent requests (GET, DELETE, and reads of the repository). */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 4
   */
  maxRetries?: number;
  /**
   * Delay before the first retry, in milliseconds. Each further retry doubles it.
   * @default 250
   */
  baseDelayMs?: number;
  /**
   * Cap of one delay, in milliseconds.
   * @default 8000
   */
  maxDelayMs?: number;
  /**
   * Share of each delay that is randomised (0 to 1), so that many clients do not retry in step.
   * @default 0.2
   */
  jitter?: number;
  /**
   * Longest `Retry-After` the client honours, in milliseconds. A longer one ends the retries.
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /**
   * Retry budget of one request: total time spent sleeping between attempts, in milliseconds.
   * @default 30000
   */
  budgetMs?: number;
  /** Source of random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}
