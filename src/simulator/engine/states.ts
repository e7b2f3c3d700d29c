/**
 * Job states of KNIME Server, as job JSON reports them in `state`. `STOPPING_EXECUTION` and
 * `MISSING_JOB` are pseudo states of KNIME's web front-end, so the simulator never produces them.
 */
export const JOB_STATES = [
  'UNDEFINED',
  'LOADING',
  'LOAD_ERROR',
  'IDLE',
  'CONFIGURED',
  'EXECUTING',
  'EXECUTED',
  'INTERACTION_REQUIRED',
  'RUNNING',
  'EXECUTION_FINISHED',
  'EXECUTION_FAILED',
  'EXECUTION_FAILED_WITH_CONTENT',
  'EXECUTION_CANCELLED',
  'NOT_EXECUTABLE',
  'DISCARDED',
  'VANISHED',
] as const;

export type JobState = (typeof JOB_STATES)[number];

/** States after which the job never changes again without a new execute request. */
const TERMINAL: ReadonlySet<JobState> = new Set<JobState>([
  'LOAD_ERROR',
  'EXECUTED',
  'EXECUTION_FINISHED',
  'EXECUTION_FAILED',
  'EXECUTION_FAILED_WITH_CONTENT',
  'EXECUTION_CANCELLED',
  'NOT_EXECUTABLE',
  'DISCARDED',
  'VANISHED',
]);

/** States that end an execution: a synchronous execute request returns once one of them is reached. */
const EXECUTION_SETTLED: ReadonlySet<JobState> = new Set<JobState>([...TERMINAL, 'INTERACTION_REQUIRED']);

/** States in which the job has a finished execution whose nodes must be reset before a new one. */
const EXECUTED_STATES: ReadonlySet<JobState> = new Set<JobState>([
  'EXECUTED',
  'EXECUTION_FINISHED',
  'EXECUTION_FAILED',
  'EXECUTION_FAILED_WITH_CONTENT',
  'EXECUTION_CANCELLED',
]);

export function isTerminalState(state: JobState): boolean {
  return TERMINAL.has(state);
}

/** Whether a waiting synchronous execute request may return for a job in `state`. */
export function isExecutionSettled(state: JobState): boolean {
  return EXECUTION_SETTLED.has(state);
}

/** Whether `state` follows an execution, so a new execution needs `reset=true`. */
export function isExecutedState(state: JobState): boolean {
  return EXECUTED_STATES.has(state);
}

/** Whether the job is running or paused inside a run, so new inputs are rejected. */
export function isInExecution(state: JobState): boolean {
  return state === 'EXECUTING' || state === 'RUNNING' || state === 'INTERACTION_REQUIRED';
}
