/** Exit codes of the CLI for run outcomes and pipeline errors. */
import {
  LedgerVersionError,
  PipelineFileError,
  PipelineParamError,
  RunAlreadySucceededError,
  RunInProgressError,
  RunNotFoundError,
  RunNotResumableError,
} from './errors.js';
import type { RunOutcome } from './ledger/ledger.js';

export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  usage: 2,
  timeout: 5,
  cancelled: 6,
  sigint: 130,
  sigterm: 143,
} as const;

/**
 * Exit code for a run outcome. A run cancelled because the process received SIGINT or SIGTERM exits
 * with 130 or 143, as shells expect; other cancellations exit with 6.
 */
export function exitCodeForOutcome(outcome: RunOutcome, signal?: 'SIGINT' | 'SIGTERM'): number {
  switch (outcome) {
    case 'succeeded':
      return EXIT_CODES.ok;
    case 'failed':
      return EXIT_CODES.failed;
    case 'timed-out':
      return EXIT_CODES.timeout;
    case 'cancelled':
      if (signal === 'SIGINT') return EXIT_CODES.sigint;
      if (signal === 'SIGTERM') return EXIT_CODES.sigterm;
      return EXIT_CODES.cancelled;
  }
}

/**
 * Exit code for an error thrown by the runner API: 2 for a bad file, bad params, an unknown run or a
 * run that may not start or resume; `undefined` for anything else (the CLI's general handling).
 */
export function exitCodeForError(error: unknown): number | undefined {
  if (
    error instanceof PipelineFileError ||
    error instanceof PipelineParamError ||
    error instanceof RunNotFoundError ||
    error instanceof RunNotResumableError ||
    error instanceof RunInProgressError ||
    error instanceof RunAlreadySucceededError ||
    error instanceof LedgerVersionError
  ) {
    return EXIT_CODES.usage;
  }
  return undefined;
}
