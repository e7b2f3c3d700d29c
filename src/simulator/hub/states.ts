import type { JobState } from '../engine/states.js';

/** Lifecycle of the job container (`jobState`), 11 values in the execution-service spec. */
export type HubJobState =
  | 'UNDEFINED'
  | 'LOAD_REQUESTED'
  | 'LOADING'
  | 'LOADED'
  | 'LOAD_ERROR'
  | 'SWAP_REQUESTED'
  | 'SWAPPING'
  | 'SWAPPED'
  | 'VANISHED'
  | 'DISCARD_REQUESTED'
  | 'DISCARDED';

/** State of the workflow inside the job (`workflowState`), 11 values. */
export type HubWorkflowState =
  | 'UNDEFINED'
  | 'CONFIGURED'
  | 'IDLE'
  | 'NOT_EXECUTABLE'
  | 'EXECUTING'
  | 'EXECUTED'
  | 'EXECUTION_FAILED'
  | 'EXECUTION_CANCELLED'
  | 'EXECUTION_FINISHED'
  | 'INTERACTION_REQUIRED'
  | 'EXECUTION_FAILED_WITH_CONTENT';

/** The deprecated combined `state`, 15 values. */
export type HubCombinedState =
  | 'EXECUTING'
  | 'CONFIGURED'
  | 'IDLE'
  | 'UNDEFINED'
  | 'DISCARDED'
  | 'LOAD_ERROR'
  | 'EXECUTION_FAILED'
  | 'EXECUTION_CANCELLED'
  | 'EXECUTION_FINISHED'
  | 'INTERACTION_REQUIRED'
  | 'EXECUTION_FAILED_WITH_CONTENT'
  | 'LOADING'
  | 'NOT_EXECUTABLE'
  | 'SWAPPING'
  | 'VANISHED';

export interface HubStates {
  readonly jobState: HubJobState;
  readonly workflowState: HubWorkflowState;
  readonly state: HubCombinedState;
}

/** States of a job that waits for a free slot in its execution context and has no executor yet. */
export const QUEUED_STATES: HubStates = {
  jobState: 'LOAD_REQUESTED',
  workflowState: 'UNDEFINED',
  state: 'LOADING',
};

/** States of a job whose load was rejected because its execution context had no free slot. */
export const CAPACITY_LOAD_ERROR_STATES: HubStates = {
  jobState: 'LOAD_ERROR',
  workflowState: 'UNDEFINED',
  state: 'LOAD_ERROR',
};

/**
 * Derives the Hub's two state fields and the deprecated `state` from an engine state. While the
 * job is not in an executor, `state` reports the lifecycle (`LOADING`, `LOAD_ERROR`, `VANISHED`,
 * `DISCARDED`). Otherwise it mirrors `workflowState`, except that `EXECUTED` becomes
 * `EXECUTION_FINISHED` because the combined enum lacks `EXECUTED`.
 */
export function deriveHubStates(engineState: JobState, isSwapped: boolean): HubStates {
  switch (engineState) {
    case 'LOADING':
      return { jobState: 'LOADING', workflowState: 'UNDEFINED', state: 'LOADING' };
    case 'LOAD_ERROR':
      return CAPACITY_LOAD_ERROR_STATES;
    case 'VANISHED':
      return { jobState: 'VANISHED', workflowState: 'UNDEFINED', state: 'VANISHED' };
    case 'DISCARDED':
      return { jobState: 'DISCARDED', workflowState: 'UNDEFINED', state: 'DISCARDED' };
    case 'UNDEFINED':
      return { jobState: 'UNDEFINED', workflowState: 'UNDEFINED', state: 'UNDEFINED' };
    default:
      break;
  }

  const jobState: HubJobState = isSwapped ? 'SWAPPED' : 'LOADED';
  if (engineState === 'RUNNING') return { jobState, workflowState: 'EXECUTING', state: 'EXECUTING' };
  if (engineState === 'EXECUTED') return { jobState, workflowState: 'EXECUTED', state: 'EXECUTION_FINISHED' };
  return { jobState, workflowState: engineState, state: engineState };
}
