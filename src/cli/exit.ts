/**
 * Exit codes of `knimectl`. Schedulers branch on them, so the numbers are part of the public
 * interface and never change meaning.
 */
export const ExitCode = {
  /** The job succeeded, or the command did what it was asked. */
  ok: 0,
  /** The job finished in a failed state (EXECUTION_FAILED, LOAD_ERROR, NOT_EXECUTABLE, …). */
  jobFailed: 1,
  /** Invalid command line or configuration (unknown flag, bad duration, missing server URL, unknown profile). */
  usage: 2,
  /** Authentication failed or permission denied (HTTP 401/403). */
  auth: 3,
  /** Workflow or job not found. */
  notFound: 4,
  /** The deadline passed; the remote job was cancelled. */
  timeout: 5,
  /** The job was cancelled (by someone else, or with `knimectl cancel`). */
  cancelled: 6,
  /** The server was unreachable, or kept returning errors after retries. */
  unavailable: 7,
  /** An input was invalid, rejected before the job was created or by the server. */
  invalidInput: 8,
  /** Interrupted by SIGINT (Ctrl-C) after the remote job was cancelled. */
  sigint: 130,
  /** Interrupted by SIGTERM after the remote job was cancelled. */
  sigterm: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Error that ends a command with a given exit code. Commands throw it; the entry prints `message`
 * (and `hint`, the next command or flag to try) on stderr and exits with `code`.
 */
export class CliExitError extends Error {
  override readonly name = 'CliExitError';

  constructor(
    readonly code: ExitCodeValue,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Shorthand for a usage error (exit code 2) with the fix as hint. */
export function usageError(message: string, hint?: string): CliExitError {
  return new CliExitError(ExitCode.usage, message, hint);
}

/** Exit-code table as printed in `knimectl --help` and docs/cli.md. */
export const exitCodeHelp = `Exit codes:
  0    job succeeded, or the command did what it was asked
  1    job finished in a failed state
  2    usage or configuration error
  3    authentication failed or permission denied
  4    workflow or job not found
  5    timed out (the remote job was cancelled)
  6    job cancelled
  7    server unreachable, server error after retries, or no execution capacity on a Hub
  8    invalid input (rejected before the job was created, or by the server)
  130  interrupted by SIGINT after cancelling the remote job
  143  interrupted by SIGTERM after cancelling the remote job`;
