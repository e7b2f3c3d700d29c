import { z } from 'zod';
import type { Clock, Logger, RetryOptions } from '../transport/types.js';

/**
 * Authentication mode of the client. Every mode also sends `user.name` when `OozieClientOptions.user` is
 * set, which is all that Oozie's default `simple` authentication needs.
 */
export type OozieAuth =
  | { type: 'none' }
  /** HTTP Basic, for a proxy in front of Oozie (such as Apache Knox) that checks it. */
  | { type: 'basic'; username: string; password: string }
  /** A `hadoop.auth` cookie value obtained elsewhere, such as with `curl --negotiate`. */
  | { type: 'cookie'; value: string }
  /** Extra headers obtained elsewhere, such as a proxy's session token. */
  | { type: 'headers'; headers: Record<string, string> }
  /**
   * Kerberos SPNEGO through a caller-supplied token provider: `token(host)` returns the base64
   * GSS-API token for the service `HTTP@host`. It is called after a `Negotiate` challenge; the
   * `hadoop.auth` cookie of the response is reused until it expires.
   */
  | { type: 'spnego'; token: (host: string) => Promise<string> }
  /**
   * Kerberos SPNEGO through the `curl` program and the Kerberos ticket cache (after `kinit`).
   * After a `Negotiate` challenge, `curl --negotiate` logs in once and the client reuses the
   * `hadoop.auth` cookie it returns.
   */
  | { type: 'kerberos-curl'; curlPath?: string; timeoutMs?: number };

/** Options of {@link OozieClient}. */
export interface OozieClientOptions {
  /** Oozie base URL including the context, such as `http://oozie.example.test:11000/oozie`. */
  baseUrl: string;
  /** Value of `user.name` on every request and in every submitted configuration. */
  user?: string;
  /** @default { type: 'none' } */
  auth?: OozieAuth;
  /** User to impersonate through `doAs`; the authenticated user must be an Oozie proxy user. */
  doAs?: string;
  /**
   * Protocol version: `v2`, `v1`, or `auto` (ask `GET /versions` once, prefer 2, then 1).
   * @default 'v2'
   */
  protocol?: 'v1' | 'v2' | 'auto';
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default the system clock */
  clock?: Clock;
  /** @default a logger that drops every record */
  logger?: Logger;
  /** Retries of idempotent requests (reads and the idempotent commands); `false` disables them. */
  retry?: RetryOptions | false;
  /**
   * Per-request timeout in milliseconds, measured on the client clock.
   * @default 60000
   */
  requestTimeoutMs?: number;
  /**
   * How long a command or submit is retried while the server returns `E0002` (safe mode), in
   * milliseconds. A refused request did nothing, so retrying it is safe.
   * @default 60000
   */
  safeModeWaitMs?: number;
}

/** Workflow job states (`WorkflowJob.Status`). */
export type OozieWorkflowStatus = 'PREP' | 'RUNNING' | 'SUSPENDED' | 'SUCCEEDED' | 'KILLED' | 'FAILED';

const nullableString = z.string().nullish();

/** One action of `show=info`, control nodes included. Unknown fields are kept. */
export const oozieActionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  status: z.string(),
  transition: nullableString,
  errorCode: nullableString,
  errorMessage: nullableString,
  externalId: nullableString,
  externalStatus: nullableString,
  consoleUrl: nullableString,
  trackerUri: nullableString,
  data: nullableString,
  startTime: nullableString,
  endTime: nullableString,
  retries: z.number().nullish(),
});
export type OozieActionInfo = z.infer<typeof oozieActionSchema>;

/** Workflow job of `show=info`. Unknown fields are kept. */
export const oozieWorkflowSchema = z.looseObject({
  id: z.string(),
  appName: nullableString,
  appPath: nullableString,
  externalId: nullableString,
  parentId: nullableString,
  user: nullableString,
  status: z.string(),
  conf: nullableString,
  createdTime: nullableString,
  startTime: nullableString,
  endTime: nullableString,
  lastModTime: nullableString,
  run: z.number().nullish(),
  consoleUrl: nullableString,
  actions: z
    .array(oozieActionSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type OozieWorkflowInfo = z.infer<typeof oozieWorkflowSchema>;

/** Workflow job as the client reports it: wire fields plus parsed dates, configuration and outputs. */
export interface OozieJob {
  readonly id: string;
  readonly status: string;
  readonly appName: string | undefined;
  readonly appPath: string | undefined;
  readonly externalId: string | undefined;
  readonly user: string | undefined;
  readonly run: number;
  readonly consoleUrl: string | undefined;
  /** Epoch milliseconds parsed from the RFC 822 dates. */
  readonly createdAt: number | undefined;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly lastModifiedAt: number | undefined;
  /** The job configuration (`conf`), parsed. */
  readonly properties: Record<string, string>;
  readonly actions: readonly OozieActionInfo[];
  /** Captured output (`data`) of each action that has some, parsed as `key=value` lines. */
  readonly outputs: Record<string, Record<string, string>>;
  /** The raw `show=info` body. */
  readonly raw: OozieWorkflowInfo;
}
