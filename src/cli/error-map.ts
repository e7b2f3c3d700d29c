import { CliExitError, ExitCode, type ExitCodeValue } from './exit.js';

/** Library error fields the CLI reads; matched by `code` so that this file loads no library code. */
interface LibraryErrorLike {
  code: string;
  message: string;
  status?: number;
  jobId?: string;
  names?: readonly string[];
  clock?: string;
  limitMs?: number;
}

const exitCodeByErrorCode: Record<string, ExitCodeValue> = {
  authentication: ExitCode.auth,
  permission: ExitCode.auth,
  'not-found': ExitCode.notFound,
  'invalid-input': ExitCode.invalidInput,
  'job-failed': ExitCode.jobFailed,
  timeout: ExitCode.timeout,
  cancelled: ExitCode.cancelled,
  network: ExitCode.unavailable,
  server: ExitCode.unavailable,
  protocol: ExitCode.unavailable,
};

const hintByErrorCode: Record<string, string> = {
  authentication:
    'check the user name and password (KNIME_USER, KNIME_PASSWORD, --password-stdin, or the profile); `knimectl config show NAME` shows which are set',
  permission: 'ask the server administrator for the right, or use another user',
  'not-found': 'list what exists with `knimectl ls PATH` or `knimectl jobs`',
  'invalid-input': 'run `knimectl describe WORKFLOW` to see the expected input names and examples',
  network: 'check that the server URL is right and the server is reachable, then run the command again',
  server: 'run the command again later; if it persists, ask the server administrator',
  protocol: 'check the server URL: it must point to the servlet context, such as https://host/knime',
};

/** Checks whether `error` looks like an error of the knimectl library. */
export function isLibraryError(error: unknown): error is Error & LibraryErrorLike {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as unknown as { code?: unknown }).code;
  return typeof code === 'string' && code in exitCodeByErrorCode;
}

/** Converts a library error to an exit error with its message and the next step. */
export function toExitError(error: unknown): CliExitError {
  if (error instanceof CliExitError) return error;
  if (!isLibraryError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new CliExitError(ExitCode.unavailable, message, 'run again with --debug for details', {
      cause: error,
    });
  }

  // A single request that ran out of time (after the retries) means the server sent no response,
  // which is exit code 7; the job deadlines are exit code 5.
  if (error.code === 'timeout' && error.clock === 'request') {
    return new CliExitError(ExitCode.unavailable, error.message, hintByErrorCode.network, { cause: error });
  }

  let hint = hintByErrorCode[error.code];
  if (error.code === 'timeout' && error.jobId !== undefined) {
    hint = `the job ${error.jobId} was cancelled; raise --timeout or --load-timeout if the job needs longer`;
  }
  return new CliExitError(exitCodeByErrorCode[error.code] ?? ExitCode.unavailable, error.message, hint, {
    cause: error,
  });
}
