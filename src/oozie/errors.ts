/**
 * Oozie-specific members of the library's error tree. Each class extends the general class that
 * tells the caller what to do next, and adds what Oozie reported: the `oozie-error-code` and
 * `oozie-error-message` headers, the job state and the failing action.
 */
import {
  AuthenticationError,
  JobFailedError,
  type KnimeErrorOptions,
  NetworkError,
  ProtocolError,
  ServerError,
} from '../errors/index.js';

/** Error code and message from the `oozie-error-code` and `oozie-error-message` headers. */
export interface OozieErrorDetail {
  /** Code such as `E0604`, or undefined when the response had no Oozie headers (a proxy sent the response). */
  readonly oozieCode: string | undefined;
  readonly oozieMessage: string | undefined;
}

/** Options of the Oozie error constructors. */
export type OozieErrorOptions = KnimeErrorOptions & Partial<OozieErrorDetail>;

/**
 * The server requires Kerberos SPNEGO (HTTP 401 with `WWW-Authenticate: Negotiate`) and the client
 * has no way to respond to it. Thrown by every request. Use `auth: { type: 'kerberos-curl' }` after
 * `kinit`, `auth: { type: 'spnego', token }` with a token provider, a `hadoop.auth` cookie, or a
 * proxy (such as Apache Knox) that accepts Basic credentials.
 */
export class OozieNegotiateRequiredError extends AuthenticationError {
  constructor(url: string, options: KnimeErrorOptions = {}) {
    super(
      `Oozie server at ${url} requires Kerberos SPNEGO (WWW-Authenticate: Negotiate), but the client has no ` +
        'SPNEGO token. Run kinit and use auth {type: "kerberos-curl"}, or auth {type: "spnego", token} with a ' +
        'token provider, or auth {type: "cookie"} with a hadoop.auth cookie from ' +
        '"curl --negotiate -u : -c cookies.txt <url>/v2/admin/status", or reach Oozie through a proxy such as ' +
        'Knox with auth {type: "basic"}.',
      options,
    );
  }
}

/** Failing action of a workflow job, as reported by `show=info`. */
export interface OozieFailingAction {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** YARN application or MapReduce job id that ran the action, when there was one. */
  readonly externalId: string | null;
  readonly consoleUrl: string | null;
}

/**
 * A workflow job ended `KILLED` without the client asking for it (Oozie's usual failure path
 * through a kill node), or `FAILED`. Thrown by `OozieClient.waitForJob`. Read `failingAction` for
 * the cause, and the job log for details.
 */
export class OozieJobFailedError extends JobFailedError {
  readonly failingAction: OozieFailingAction | undefined;
  /** Message of the kill node (`E0729`), when the job went through one. */
  readonly killMessage: string | undefined;

  constructor(
    message: string,
    options: KnimeErrorOptions & {
      state: string;
      failingAction?: OozieFailingAction;
      killMessage?: string;
    },
  ) {
    super(message, { ...options, outcome: 'failed' });
    this.failingAction = options.failingAction;
    this.killMessage = options.killMessage;
  }
}

/**
 * A workflow job is `SUSPENDED` (or an action waits in `START_MANUAL`/`END_MANUAL`) and the wait
 * is set to fail on that. Thrown by `OozieClient.waitForJob` with `onSuspended: 'fail'`. The job
 * is left as it is: resume it with `OozieClient.resume` or kill it with `OozieClient.kill`.
 */
export class OozieJobSuspendedError extends JobFailedError {
  constructor(message: string, options: KnimeErrorOptions & { state: string }) {
    super(message, { ...options, outcome: 'suspended' });
  }
}

/**
 * A submit request got no usable response (lost connection, 5xx from a proxy) and the job could not
 * be found by its external id within the reconcile period, so the client did not submit again.
 * Thrown by `OozieClient.submitWorkflow`. Look the id up later with `findJobByExternalId` before
 * submitting again by hand.
 */
export class OozieSubmitUnconfirmedError extends NetworkError {
  readonly externalId: string;

  constructor(message: string, options: KnimeErrorOptions & { externalId: string }) {
    super(message, options);
    this.externalId = options.externalId;
  }
}

/**
 * The server is in safe mode (`E0002`) and kept rejecting a command for the whole safe-mode wait.
 * Thrown by submits and job commands. Retry once an administrator sets the mode back to `NORMAL`.
 */
export class OozieSafeModeError extends ServerError {}

/**
 * Oozie's response lacks what the client needs, such as a 201 without `id` or a job without
 * `status`. Thrown by response parsers. Check that the URL points at the Oozie context (`/oozie`).
 */
export class OozieProtocolError extends ProtocolError {}

/** Reads the Oozie error headers of a response, case-insensitively. */
export function readOozieErrorHeaders(headers: Headers): OozieErrorDetail {
  return {
    oozieCode: headers.get('oozie-error-code') ?? undefined,
    oozieMessage: headers.get('oozie-error-message') ?? undefined,
  };
}

/** Oozie error details attached to any error of the tree, or undefined. */
export function oozieDetailOf(error: unknown): OozieErrorDetail | undefined {
  if (typeof error !== 'object' || error === null || !('oozieCode' in error)) return undefined;
  const { oozieCode, oozieMessage } = error as { oozieCode?: unknown; oozieMessage?: unknown };
  return {
    oozieCode: typeof oozieCode === 'string' ? oozieCode : undefined,
    oozieMessage: typeof oozieMessage === 'string' ? oozieMessage : undefined,
  };
}
