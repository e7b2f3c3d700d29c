/**
 * Errors of the Alteryx Server client. They are the library's error classes (see `src/errors/`),
 * so callers switch on one tree for every backend. The subclasses here add what only Alteryx has:
 * question checks, the status/disposition pair of a failed job, a queue request whose outcome
 * stayed unknown, and the missing cancel call.
 *
 * Messages and fields never contain the API secret or an access token.
 */
import {
  InvalidInputError,
  JobFailedError,
  type KnimeErrorOptions,
  NetworkError,
  type NodeMessage,
} from '../errors/index.js';

export {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  isKnimeError,
  JobFailedError,
  KnimeError,
  type KnimeErrorOptions,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  type RequestInfo,
  ServerError,
  type TimeoutClock,
  TimeoutError,
} from '../errors/index.js';

/** A question name the app does not have, with the closest known name. */
export interface UnknownQuestion {
  readonly name: string;
  readonly suggestion: string | undefined;
}

/**
 * Answers or options that do not fit the workflow: missing answers, unknown question names, values
 * outside a list, a workflow that cannot run, or an HTTP 400 with `modelState`. Thrown by
 * `prepareJob` and `queueJob` before anything is queued, and for HTTP 400, 409 and 422 responses.
 */
export class AlteryxInvalidInputError extends InvalidInputError {
  /** Questions without a default that got no answer. */
  readonly missing: readonly string[];
  /** Answer names the app does not have. */
  readonly unknown: readonly UnknownQuestion[];
  /** Field errors of an HTTP 400 body (`modelState`), when the server sent them. */
  readonly modelState: Readonly<Record<string, readonly string[]>>;

  constructor(
    message: string,
    options: KnimeErrorOptions & {
      names?: readonly string[];
      missing?: readonly string[];
      unknown?: readonly UnknownQuestion[];
      modelState?: Record<string, readonly string[]>;
    } = {},
  ) {
    const missing = options.missing ?? [];
    const unknown = options.unknown ?? [];
    super(message, {
      ...options,
      names: options.names ?? [...missing, ...unknown.map((entry) => entry.name)],
    });
    this.missing = missing;
    this.unknown = unknown;
    this.modelState = options.modelState ?? {};
  }
}

/** One engine message of a job. `status` is an undocumented integer; the simulator uses 1 info, 2 warning, 3 error. */
export interface AlteryxJobMessage {
  readonly status: number;
  readonly text: string;
  readonly toolId: number;
}

/**
 * The job ended without success: `Completed` with a disposition other than Success or Warning,
 * status `Error`, or Warning with `warningsAsErrors`. Thrown by `AlteryxJobHandle.wait`. `state`
 * holds the raw status and `outcome` the raw disposition; `messages` holds the error messages (or
 * all messages when none is an error), which `nodeMessages` repeats in the library's shape.
 */
export class AlteryxJobFailedError extends JobFailedError {
  readonly messages: readonly AlteryxJobMessage[];

  constructor(
    message: string,
    options: KnimeErrorOptions & {
      jobStatus: string;
      disposition: string;
      messages: readonly AlteryxJobMessage[];
    },
  ) {
    const { jobStatus, disposition, messages, ...rest } = options;
    super(message, {
      ...rest,
      state: jobStatus,
      outcome: disposition,
      nodeMessages: messages.map(toNodeMessage),
    });
    this.messages = messages;
  }
}

// NOTE: message status numbers are undocumented; 3 = error and 2 = warning follow the simulator.
function toNodeMessage(message: AlteryxJobMessage): NodeMessage {
  let messageType = 'INFO';
  if (message.status === 3) messageType = 'ERROR';
  else if (message.status === 2) messageType = 'WARNING';
  return { node: `tool ${message.toolId}`, messageType, message: message.text };
}

/**
 * A queue request got no usable response and reconciliation could not tell whether it created a
 * job: several new jobs appeared (listed in `candidateJobIds`), or the job list could not be read.
 * Thrown by `queueJob`. Check the candidates before queueing again.
 */
export class AlteryxQueueOutcomeError extends NetworkError {
  /** Jobs that the lost request may have created; empty when the job list could not be read. */
  readonly candidateJobIds: readonly string[];

  constructor(message: string, options: KnimeErrorOptions & { candidateJobIds?: readonly string[] } = {}) {
    super(message, options);
    this.candidateJobIds = options.candidateJobIds ?? [];
  }
}

/**
 * The job cannot be cancelled through the API: Alteryx Server API V3 documents no cancel call, or
 * the optional cancel route was switched on but the server responded with 404 or 405. Thrown by
 * `cancelJob` and `AlteryxJobHandle.cancel`; nothing was cancelled and the job keeps running. It is
 * an invalid request for this backend (code `invalid-input`), and callers that need a distinct exit
 * code test for this class. An administrator can stop the job in the Alteryx Server admin UI.
 */
export class AlteryxCancelUnsupportedError extends InvalidInputError {}
