/**
 * Reconciliation of a job creation whose response was lost: which job, if any, the lost request
 * may have created.
 */
import type { JobSnapshot } from '../job/types.js';

/** States of a loaded job that has not been executed. */
export const READY_STATES: ReadonlySet<string> = new Set(['IDLE', 'CONFIGURED']);

/**
 * States a job can have right after its creation, before anyone executed it. Besides the ready
 * and loading states this includes the load failures, so that a lost creation of a workflow that
 * fails to load adopts its job instead of leaving it behind and creating another.
 */
const FRESH_STATES: ReadonlySet<string> = new Set([
  'LOADING',
  'IDLE',
  'CONFIGURED',
  'NOT_EXECUTABLE',
  'LOAD_ERROR',
  'UNDEFINED',
]);

/**
 * Default allowed difference between the client clock and the server clock when a job's
 * `createdAt` is compared with the moment the creating request was sent, in milliseconds.
 */
export const DEFAULT_CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

export interface ReconcileOptions {
  /** Ids this client already created or adopted. */
  known: ReadonlySet<string>;
  /** Client clock when the creating request was sent, in epoch milliseconds. */
  startedAt: number;
  /** Allowed clock difference between client and server, in milliseconds. */
  clockSkewToleranceMs: number;
  /** Owner the new job must have, when known. */
  username?: string | undefined;
}

/**
 * Finds the jobs that the lost request may have created: not yet known to this client, not yet
 * executed, owned by this user, and created no earlier than the request's start minus the allowed
 * clock skew. Candidates are returned oldest first.
 *
 * NOTE: a job without `createdAt` cannot be dated and stays a candidate; it is unexecuted and of
 * the same workflow, so adopting it creates no duplicate execution.
 */
export function findCreatedJobs(after: readonly JobSnapshot[], options: ReconcileOptions): JobSnapshot[] {
  const earliest = options.startedAt - options.clockSkewToleranceMs;
  const candidates = after.filter((job) => {
    if (options.known.has(job.id)) return false;
    if (!FRESH_STATES.has(job.state) || job.startedAt !== undefined) return false;
    if (options.username !== undefined && job.owner !== undefined && job.owner !== options.username)
      return false;
    if (job.createdAt !== undefined && job.createdAt < earliest) return false;
    return true;
  });
  return candidates.sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
}
