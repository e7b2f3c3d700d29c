import type { AlteryxJob } from './wire.js';

/** Normalized state of a job, computed from `status` and `disposition` together. */
export type AlteryxJobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/**
 * Maps the raw pair to a state. `Completed` only says that the run ended: the outcome is in
 * `disposition`, and a Completed job with disposition Error (or any value not listed) failed.
 * `Created` counts as queued and `Complete` as Completed, spellings some releases and filters use.
 */
export function jobState(
  job: Pick<AlteryxJob, 'status' | 'disposition'>,
  warningsAsErrors = false,
): AlteryxJobState {
  const status = job.status.toLowerCase();
  const disposition = job.disposition.toLowerCase();

  switch (status) {
    case 'queued':
    case 'created':
      return 'queued';
    case 'running':
      return 'running';
    case 'cancelled':
      return 'cancelled';
    case 'error':
      return 'failed';
    case 'completed':
    case 'complete':
      if (disposition === 'success') return 'succeeded';
      if (disposition === 'warning') return warningsAsErrors ? 'failed' : 'succeeded';
      if (disposition === 'cancelled') return 'cancelled';
      return 'failed';
    default:
      return 'unknown';
  }
}

/** Whether a state is final. */
export function isFinalState(state: AlteryxJobState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}
