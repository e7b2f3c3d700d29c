/**
 * Reconciliation of a job creation whose response was lost: which job, if any, the lost request
 * created.
 */
import type { JobSnapshot } from '../job/types.js';

/** States of a loaded job that has not been executed. */
export const READY_STATES: ReadonlySet<string> = new Set(['IDLE', 'CONFIGURED']);

/** States a job can have right after its creation, before anyone executed it. */
const FRESH_STATES: ReadonlySet<string> = new Set([
  'LOADING',
  'IDLE',
  'CONFIGURED',
  'NOT_EXECUTABLE',
  'LOAD_ERROR',
  'UNDEFINED',
]);

/** Allowed difference between the client clock and the server clock, in milliseconds. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface ReconcileOptions {
  /** Ids of the workflow's jobs listed before the creating request was sent. */
  before: ReadonlySet<string>;
  /** Ids this client already created or adopted. */
  claimed: ReadonlySet<string>;
  /** Client clock when the creating request was sent, in epoch milliseconds. */
  startedAt: number;
  /** Owner the new job must have, when known. */
  username?: string | undefined;
}

export type ReconcileResult =
  | { kind: 'none' }
  | { kind: 'one'; job: JobSnapshot }
  | { kind: 'many'; jobs: JobSnapshot[] };

/**
 * Finds jobs that appeared after the creating request was sent: not in the earlier list, not
 * claimed by this client, not yet executed, owned by this user, and created no earlier than the
 * request (within the allowed clock skew).
 */
export function findCreatedJob(after: readonly JobSnapshot[], options: ReconcileOptions): ReconcileResult {
  const candidates = after.filter((job) => {
    if (options.before.has(job.id) || options.claimed.has(job.id)) return false;
    if (!FRESH_STATES.has(job.state) || job.startedAt !== undefined) return false;
    if (options.username !== undefined && job.owner !== undefined && job.owner !== options.username)
      return false;
    if (job.createdAt !== undefined && job.createdAt < options.startedAt - CLOCK_SKEW_MS) return false;
    return true;
  });
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'one', job: candidates[0]! };
  return { kind: 'many', jobs: candidates };
}
