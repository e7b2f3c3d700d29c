/**
 * The state table: every raw state of KNIME Server (REST API v4) and Business Hub mapped to one
 * normalised outcome. Unknown states map to `unknown` and are never waited on forever.
 */
import { type JobSnapshot, type JobStatus, type Outcome, TERMINAL_OUTCOMES } from './types.js';

/** Outcome of each known raw state, before an execute request. */
const STATE_OUTCOMES: Readonly<Record<string, Outcome>> = {
  LOAD_REQUESTED: 'queued',
  LOADING: 'loading',
  LOADED: 'ready',
  LOAD_ERROR: 'failed',
  IDLE: 'ready',
  CONFIGURED: 'ready',
  EXECUTING: 'running',
  RUNNING: 'running',
  SWAP_REQUESTED: 'running',
  SWAPPING: 'running',
  SWAPPED: 'running',
  EXECUTED: 'succeeded',
  EXECUTION_FINISHED: 'succeeded',
  INTERACTION_REQUIRED: 'paused',
  EXECUTION_FAILED: 'failed',
  EXECUTION_FAILED_WITH_CONTENT: 'failed',
  NOT_EXECUTABLE: 'failed',
  EXECUTION_CANCELLED: 'cancelled',
  DISCARD_REQUESTED: 'gone',
  DISCARDED: 'gone',
  VANISHED: 'gone',
  UNDEFINED: 'unknown',
};

/** Hub `jobState` values that decide the outcome on their own, whatever the workflow state is. */
const DECISIVE_JOB_STATES: Readonly<Record<string, Outcome>> = {
  LOAD_REQUESTED: 'queued',
  LOADING: 'loading',
  LOAD_ERROR: 'failed',
  VANISHED: 'gone',
  DISCARD_REQUESTED: 'gone',
  DISCARDED: 'gone',
};

/** Whether the client knows `state`. */
export function isKnownState(state: string): boolean {
  return Object.hasOwn(STATE_OUTCOMES, state);
}

/**
 * Maps a raw state to its outcome. After an execute request, `IDLE` means the workflow was left
 * unconfigured and is a failure, and `CONFIGURED` means the execution has not started yet.
 */
export function outcomeOf(
  state: string,
  options: { executeRequested?: boolean; jobState?: string } = {},
): Outcome {
  const decisive = options.jobState === undefined ? undefined : DECISIVE_JOB_STATES[options.jobState];
  if (decisive) return decisive;
  if (options.executeRequested) {
    if (state === 'IDLE') return 'failed';
    if (state === 'CONFIGURED' || state === 'LOADED') return 'queued';
  }
  return STATE_OUTCOMES[state] ?? 'unknown';
}

/** Builds the normalised status of a job snapshot. */
export function toStatus(job: JobSnapshot, options: { executeRequested?: boolean } = {}): JobStatus {
  const outcome = outcomeOf(job.state, {
    executeRequested: options.executeRequested,
    jobState: job.jobState,
  });
  const failedNodes = job.nodeMessages.filter((message) => message.messageType.toUpperCase() === 'ERROR');
  const durationMs =
    job.startedAt !== undefined && job.finishedAt !== undefined
      ? Math.max(0, job.finishedAt - job.startedAt)
      : undefined;
  return {
    jobId: job.id,
    workflow: job.workflow,
    name: job.name,
    owner: job.owner,
    state: job.state,
    jobState: job.jobState,
    outcome,
    label: outcome === 'unknown' && job.state !== 'UNDEFINED' ? `unknown(${job.state})` : outcome,
    terminal: TERMINAL_OUTCOMES.has(outcome),
    partial: job.state === 'EXECUTION_FAILED_WITH_CONTENT',
    outputs: job.outputValues,
    outputResources: job.outputResources,
    nodeMessages: job.nodeMessages,
    failedNodes,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    durationMs,
  };
}
