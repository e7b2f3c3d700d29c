import type { HubBackendOptions } from '../hub/backend.js';
import type { ServerBackendOptions } from '../server/backend.js';
import type { Auth, Clock, Logger, LogLevel, RetryOptions, TlsOptions } from '../transport/types.js';
import type { DiscardPolicy, PollOptions } from './options.js';

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * Server URL: the context root (`http://127.0.0.1:8080/knime`, `/webportal`,
   * `/com.knime.enterprise.server`, or a custom one), with or without `/rest/v4`. User info in the
   * URL is used as Basic credentials when `auth` is not given, and never appears in messages.
   */
  url: string;
  /**
   * Product behind `url`: `server` (KNIME Server REST API v4), `hub` (KNIME Business Hub API root,
   * such as `https://api.hub.example.com`), or `auto` to detect it with up to three requests
   * before the first call. Without it, the URL decides: a context root or `/rest/v4` is a Server,
   * a host starting with `api.` or the path `/_/api` is a Hub, and any other bare origin is `auto`.
   */
  kind?: 'server' | 'hub' | 'auto';
  /** Hub settings: default item version, execution context and scope, load timeout. */
  hub?: HubBackendOptions;
  /** KNIME Server settings: cancel path, reconciliation of lost creations, resend attempts. */
  server?: Omit<ServerBackendOptions, 'username'>;
  /**
   * Credentials. On a Hub, an application password is `{ type: 'basic', username: <its id>,
   * password: <its secret> }`, and a Keycloak token is `{ type: 'bearer', token }`.
   */
  auth?: Auth;
  /** TLS settings; verification stays on unless `rejectUnauthorized: false`. */
  tls?: TlsOptions;
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Sink for log records. @default a logger that drops everything */
  logger?: Logger;
  /** Records below this level are dropped. @default 'info' */
  logLevel?: LogLevel;
  /** Time source of deadlines, polls, retries and per-request timeouts. @default the system clock */
  clock?: Clock;
  /** Retry policy of idempotent requests; `false` turns retries off. */
  retry?: RetryOptions | false;
  /** Per-request timeout in milliseconds. @default 60000 */
  requestTimeoutMs?: number;
  /** Default poll schedule of waits. */
  poll?: PollOptions;
  /** Default discard policy of `run`. @default { onSuccess: true, onFailure: false } */
  discard?: DiscardPolicy;
  /**
   * Check once, before the first request, that the URL answers like a KNIME Server REST API.
   * @default true
   */
  validateUrl?: boolean;
  /** Extra headers sent with every request (never put credentials here; use `auth`). */
  headers?: Record<string, string>;
}
