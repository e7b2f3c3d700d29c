/**
 * Options of the Alteryx Server client. The clock, logger and retry settings are the library's
 * transport types, so one clock and one logger serve every backend.
 */
import type { Clock, Logger, RetryOptions } from '../transport/types.js';

/**
 * Time source of the client: deadlines, poll intervals, retry delays, token expiry and per-request
 * timeouts.
 */
export type AlteryxClock = Clock;

/** Sink for log records. Records never contain the API secret, tokens or Authorization headers. */
export type AlteryxLogger = Logger;

/** Options of {@link AlteryxClient}. */
export interface AlteryxClientOptions {
  /**
   * The server's "Web API address", such as `https://alteryx.example.test/webapi/`. A missing
   * trailing slash is added; extra slashes are removed.
   */
  baseUrl: string;
  /** "API Access Key" from the user's profile (the OAuth 2 client id). */
  apiKey: string;
  /** "API Access Secret" from the user's profile (the OAuth 2 client secret). Never logged. */
  apiSecret: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default a logger that drops every record */
  logger?: AlteryxLogger;
  /** @default the system clock of the transport layer */
  clock?: AlteryxClock;
  /** Where the token request carries the key pair: form body or HTTP Basic. @default 'body' */
  credentialsIn?: 'body' | 'basic';
  /**
   * Time before expiry at which a token is replaced, in milliseconds. It is capped at half the
   * token's lifetime, so short-lived tokens are still reused.
   * @default 300000
   */
  tokenRefreshMarginMs?: number;
  /** Time limit of one request attempt, in milliseconds. @default 60000 */
  requestTimeoutMs?: number;
  /** Retries of GET and token requests; `false` turns them off. Queue requests are never retried blindly. */
  retry?: RetryOptions | false;
  /**
   * Send `DELETE v3/jobs/{id}` to cancel a job. The documented V3 API has no cancel call, so this is
   * off unless a server is known to offer the route.
   * @default false
   */
  cancelRoute?: boolean;
  /**
   * Route for reading a job: `v3` (`GET v3/jobs/{id}`), `v1` (legacy `GET v1/jobs/{id}/`, for
   * servers before 2022.3), or `auto` (v3, falling back to v1 once when v3 returns 404).
   * @default 'auto'
   */
  jobRoute?: 'auto' | 'v3' | 'v1';
  /** Separator placed between the values of a `multiple` question's answer. @default ',' */
  multiValueSeparator?: string;
  /** Checks of a lost queue response: how many, and the pause before each, in milliseconds. @default 3, 2000 */
  reconcile?: { checks?: number; delayMs?: number };
}
