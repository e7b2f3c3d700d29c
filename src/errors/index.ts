/**
 * The error tree of the library. Classes are split by what the caller does next: fix credentials,
 * ask for rights, fix a name, fix the inputs, look at the failed job, wait longer, retry later or
 * report a bug. Every class carries a stable `code` for switch statements and exit-code tables.
 *
 * Messages never contain credentials: URLs go through `redactUrl` before they reach an error.
 */

/** Stable discriminator of each error class. */
export type KnimeErrorCode =
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'invalid-input'
  | 'job-failed'
  | 'timeout'
  | 'cancelled'
  | 'network'
  | 'server'
  | 'protocol';

/** Request that an error is about, with the URL already redacted. */
export interface RequestInfo {
  readonly method: string;
  readonly url: string;
}

/** Options shared by every error constructor. */
export interface KnimeErrorOptions {
  readonly request?: RequestInfo;
  /** HTTP status of the response, when there was one. */
  readonly status?: number;
  /** Trimmed response body text (at most a few hundred characters). */
  readonly body?: string;
  readonly jobId?: string;
  readonly cause?: unknown;
}

/** Base class of every error the library throws on purpose. */
export class KnimeError extends Error {
  readonly code: KnimeErrorCode = 'protocol';
  readonly request: RequestInfo | undefined;
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly jobId: string | undefined;
  /**
   * Error of the clean-up that ran after this error (cancel or discard of a remote job). It is
   * attached here so that it never hides the original error.
   */
  cleanup: unknown;

  constructor(message: string, options: KnimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.request = options.request;
    this.status = options.status;
    this.body = options.body;
    this.jobId = options.jobId;
  }
}

/**
 * The server rejected the credentials (HTTP 401), or no JWT could be obtained from `auth/jwt`.
 * Thrown by every request once a JWT refresh did not help. Fix the user name, password or token.
 */
export class AuthenticationError extends KnimeError {
  override readonly code = 'authentication';
}

/**
 * The credentials are valid but lack a right (HTTP 403), for example administrator endpoints or a
 * workflow the user may not execute. Thrown by any request. Ask an administrator for the right.
 */
export class PermissionError extends KnimeError {
  override readonly code = 'permission';
}

/**
 * A workflow, folder, job or output resource does not exist (HTTP 404 or 410). Thrown by repository
 * reads, job reads and downloads. A job that disappears while a wait is running is reported as
 * outcome `gone` instead.
 */
export class NotFoundError extends KnimeError {
  override readonly code = 'not-found';
}

/**
 * The request or its inputs are invalid. Thrown before anything is created when inputs do not
 * match the workflow's description (unknown, duplicate or missing names, files for JSON
 * parameters), for invalid client options, and for HTTP 400, 409, 413 and 422 responses.
 */
export class InvalidInputError extends KnimeError {
  override readonly code = 'invalid-input';
  /** Input names the check rejected, when the error is about inputs. */
  readonly names: readonly string[];

  constructor(message: string, options: KnimeErrorOptions & { names?: readonly string[] } = {}) {
    super(message, options);
    this.names = options.names ?? [];
  }
}

/** Message of one node, as KNIME reports it in `nodeMessages`. */
export interface NodeMessage {
  readonly node: string;
  readonly messageType: string;
  readonly message: string;
}

/**
 * The job ended in a state that is not a success: `EXECUTION_FAILED`, `LOAD_ERROR`,
 * `NOT_EXECUTABLE`, `IDLE` after an execute request, `EXECUTION_FAILED_WITH_CONTENT` without the
 * accept-partial option, `INTERACTION_REQUIRED` in a headless run, or a job that was discarded or
 * vanished while a wait was running. Also thrown when expected outputs are missing. Thrown by
 * `JobHandle.wait`, `JobHandle.outputs` and `KnimeClient.run`. Read `nodeMessages` for the cause.
 */
export class JobFailedError extends KnimeError {
  override readonly code = 'job-failed';
  /** Raw state reported by the server, such as `EXECUTION_FAILED`. */
  readonly state: string | undefined;
  readonly outcome: string | undefined;
  /** Messages of the nodes that failed (type `ERROR`), or all messages when none is an error. */
  readonly nodeMessages: readonly NodeMessage[];
  /** Output names that were expected but missing, for output checks. */
  readonly missingOutputs: readonly string[];

  constructor(
    message: string,
    options: KnimeErrorOptions & {
      state?: string;
      outcome?: string;
      nodeMessages?: readonly NodeMessage[];
      missingOutputs?: readonly string[];
    } = {},
  ) {
    super(message, options);
    this.state = options.state;
    this.outcome = options.outcome;
    this.nodeMessages = options.nodeMessages ?? [];
    this.missingOutputs = options.missingOutputs ?? [];
  }
}

/** Name of the clock that ran out. */
export type TimeoutClock = 'request' | 'load' | 'execution' | 'no-progress' | 'cancel' | 'deadline';

/**
 * A clock ran out: the per-request timeout, the load/queue deadline, the execution deadline, the
 * overall deadline, the no-progress timeout (unknown or paused states) or the cancel timeout.
 * Thrown by requests and by `JobHandle.wait`. The message names the clock and the limit in
 * milliseconds. A wait that times out cancels the remote job first (best effort).
 */
export class TimeoutError extends KnimeError {
  override readonly code = 'timeout';
  readonly clock: TimeoutClock;
  /** The limit that ran out, in milliseconds. */
  readonly limitMs: number;
  /** Last raw state seen before the timeout, for waits. */
  readonly lastState: string | undefined;

  constructor(
    message: string,
    options: KnimeErrorOptions & { clock: TimeoutClock; limitMs: number; lastState?: string },
  ) {
    super(message, options);
    this.clock = options.clock;
    this.limitMs = options.limitMs;
    this.lastState = options.lastState;
  }
}

/**
 * The caller aborted the operation through its `AbortSignal`, or the job ended as
 * `EXECUTION_CANCELLED`. Thrown by requests, sleeps and `JobHandle.wait`. Nothing to fix; the
 * remote job was cancelled (best effort) when the abort happened during a wait.
 */
export class CancelledError extends KnimeError {
  override readonly code = 'cancelled';
  /** Raw state of the job, when the job itself ended cancelled. */
  readonly state: string | undefined;

  constructor(message: string, options: KnimeErrorOptions & { state?: string } = {}) {
    super(message, options);
    this.state = options.state;
  }
}

/**
 * The connection failed: DNS, refused or reset connections, TLS failures, a body cut short, or a
 * lost response to a job-creating request that could not be reconciled. Thrown by every request
 * once the retries ran out. Retry later or check the network.
 */
export class NetworkError extends KnimeError {
  override readonly code = 'network';
}

/**
 * The server responded with 5xx, 408 or 429 and the retries (for idempotent requests) ran out, or a
 * job-creating request got such a response. Thrown by every request. Retry later or ask the server
 * administrator.
 */
export class ServerError extends KnimeError {
  override readonly code = 'server';
}

/**
 * The server sent a response the client cannot use: an HTML page where JSON was expected, a
 * URL that did not answer like a KNIME Server REST API, a job without a `state` field, a 201 without
 * a job id, a 4xx status other than 400, 401, 403, 404, 408, 409, 410, 413, 422 and 429 (such as
 * 405 or 418). Thrown by requests and response parsers. Check the server URL, or report a bug.
 */
export class ProtocolError extends KnimeError {
  override readonly code = 'protocol';
}

/** Checks whether `error` is one of the library's errors. */
export function isKnimeError(error: unknown): error is KnimeError {
  return error instanceof KnimeError;
}
