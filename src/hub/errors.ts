/**
 * Hub-specific errors: the capacity error, and the rewrite of HTTP errors with the Hub's problem
 * document (`title`, `details[]`, `code`) and correlation ids (`x-request-id`, `x-error-id`).
 */
import {
  AuthenticationError,
  InvalidInputError,
  KnimeError,
  type KnimeErrorOptions,
  NotFoundError,
  PermissionError,
  ProtocolError,
  ServerError,
} from '../errors/index.js';
import type { ErrorDetails } from './fetch.js';

/** Reason an execution context cannot take a job. */
export type CapacityStatus = 'full' | 'stopped' | 'disabled';

/**
 * The execution context of a job has no room for it: at full capacity, stopped (no executor
 * running), or disabled. Thrown by job creation and `start`/`run` on a Hub when the load was
 * rejected or timed out and the context's state explains why. It is a `ServerError`, so callers
 * that retry server errors later also retry this one. No job is left behind: the client discards
 * the job it created before throwing.
 */
export class CapacityError extends ServerError {
  /** The string `'capacity'`, to tell this error apart from other server errors. */
  readonly reason = 'capacity' as const;
  readonly executionContext: { id: string; name: string | undefined };
  readonly capacityStatus: CapacityStatus;

  constructor(
    message: string,
    options: KnimeErrorOptions & {
      executionContext: { id: string; name: string | undefined };
      capacityStatus: CapacityStatus;
    },
  ) {
    super(message, options);
    this.executionContext = options.executionContext;
    this.capacityStatus = options.capacityStatus;
  }
}

/** Checks whether `error` is a {@link CapacityError}. */
export function isCapacityError(error: unknown): error is CapacityError {
  return error instanceof CapacityError;
}

type HttpErrorClass = new (message: string, options: KnimeErrorOptions) => KnimeError;

const HTTP_ERROR_CLASSES: readonly HttpErrorClass[] = [
  AuthenticationError,
  PermissionError,
  NotFoundError,
  InvalidInputError,
  ServerError,
  ProtocolError,
];

/** Formats the problem document: title, then the details, then the Hub error code in brackets. */
export function describeProblem(details: ErrorDetails | undefined): string | undefined {
  const problem = details?.problem;
  if (!problem) return undefined;
  const lines = [
    ...(problem.details ?? []).filter((line): line is string => typeof line === 'string' && line !== ''),
    ...(problem.detail ? [problem.detail] : []),
  ];
  const code = problem.code ? ` [${problem.code}]` : '';
  return `${problem.title}${lines.length > 0 ? `: ${lines.join('; ')}` : ''}${code}`;
}

/**
 * Rewrites an HTTP error of the transport with the Hub's wording: the problem document instead of
 * a raw body excerpt, a next step that fits the Hub, and the correlation ids to quote to the Hub
 * administrator. Other errors pass through unchanged. The class and fields stay the same.
 */
export function withHubDetails(error: unknown, details: ErrorDetails | undefined): unknown {
  if (!(error instanceof KnimeError) || error.status === undefined || error.request === undefined)
    return error;
  const ErrorClass = HTTP_ERROR_CLASSES.find((candidate) => error.constructor === candidate);
  if (!ErrorClass) return error;

  const { method, url } = error.request;
  const what = describeProblem(details) ?? error.body;
  const ids = [
    details?.requestId ? `x-request-id ${details.requestId}` : undefined,
    details?.errorId ? `x-error-id ${details.errorId}` : undefined,
  ].filter((id) => id !== undefined);
  const message =
    `${method} ${url} failed with HTTP ${error.status}${what ? `: ${what}` : ''}` +
    `${hintOf(error)}${ids.length > 0 ? ` (${ids.join(', ')})` : ''}`;

  const rewritten = new ErrorClass(message, {
    request: error.request,
    status: error.status,
    body: what ?? error.body,
    jobId: error.jobId,
    cause: error,
  });
  for (const key of ['transient', 'retryAfterMs'] as const) {
    if (key in error) Object.assign(rewritten, { [key]: (error as unknown as Record<string, unknown>)[key] });
  }
  return Object.assign(rewritten, { requestId: details?.requestId, errorId: details?.errorId });
}

function hintOf(error: KnimeError): string {
  if (error instanceof AuthenticationError) {
    return (
      '. The application password or token was rejected: it is wrong, expired or revoked. Create a new ' +
      'application password in the Hub and pass its id as user name and its secret as password, or a fresh bearer token'
    );
  }
  if (error instanceof PermissionError) {
    return '. The credentials are valid but lack the permission for this request; ask an administrator of the team or space';
  }
  return '';
}
