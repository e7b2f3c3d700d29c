/**
 * Options of waits, runs and discards.
 */
import type { JobStatus } from './types.js';

/** Poll schedule of `JobHandle.wait`: fast at first, then slower, capped. */
export interface PollOptions {
  /**
   * Delays between the first polls, in milliseconds. After the list runs out, each delay grows by
   * `factor` up to `maxIntervalMs`.
   * @default [100, 250, 500, 1000]
   */
  initialIntervalsMs?: readonly number[];
  /** @default 1.5 */
  factor?: number;
  /**
   * Longest delay between two polls, in milliseconds.
   * @default 5000
   */
  maxIntervalMs?: number;
}

/** Options of `JobHandle.wait`. */
export interface WaitOptions {
  /** Overall deadline, in epoch milliseconds of the client clock. Wins over `timeoutMs` when earlier. */
  deadline?: number;
  /** Overall limit from the start of the wait, in milliseconds. @default no limit */
  timeoutMs?: number;
  /**
   * Limit for the job to leave `queued`/`loading`/`ready` and start running, in milliseconds,
   * counted from the start of the wait.
   * @default 60000 (KNIME's own remote caller uses a 60 s load timeout)
   */
  loadTimeoutMs?: number;
  /** Limit for the execution, counted from the first state seen running, in milliseconds. @default no limit */
  executionTimeoutMs?: number;
  /**
   * Limit on time spent in `unknown` or `paused` states without a change, in milliseconds.
   * @default 300000
   */
  noProgressTimeoutMs?: number;
  /**
   * Consecutive failed polls (after the transport's own retries) before the wait gives up.
   * The last known state is kept meanwhile.
   * @default 5
   */
  maxPollFailures?: number;
  poll?: PollOptions;
  signal?: AbortSignal;
  /** Accept `EXECUTION_FAILED_WITH_CONTENT` as a result instead of a failure. @default false */
  acceptPartial?: boolean;
  /** Keep waiting on `INTERACTION_REQUIRED` (a person continues the job elsewhere). @default false */
  allowInteraction?: boolean;
  /**
   * Cancel the remote job when the wait times out or is aborted.
   * @default true
   */
  cancelOnAbort?: boolean;
  /** Called on every change of raw state, and once with the first state seen. */
  onStateChange?: (status: JobStatus, previous: JobStatus | undefined) => void;
  /** Called after every poll. */
  onPoll?: (status: JobStatus) => void;
}

/** When `run` discards the job. */
export interface DiscardPolicy {
  /** @default true */
  onSuccess?: boolean;
  /** Failed jobs are kept for inspection and their ids logged. @default false */
  onFailure?: boolean;
}
