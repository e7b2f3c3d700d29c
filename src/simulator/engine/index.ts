export {
  type CreateJobOptions,
  DEFAULT_ENGINE_OPTIONS,
  type EngineOptions,
  type EngineOptionsInput,
  type ExecuteOptions,
  type ExecutionTicket,
  JobEngine,
  type JobSnapshot,
  type NodeMessage,
  type WaitOptions,
  type WaitResult,
} from './engine.js';
export { EngineError, type EngineErrorCode, SidecarError } from './errors.js';
export type { ExecutionRequest, RequestPart, ResolvedInputs, UploadedFile } from './inputs.js';
export { generatedBytes, type ResourceContent, resolvePointer } from './outputs.js';
export { JobPools, type PooledJob } from './pool.js';
export {
  findParameter,
  findResource,
  type RunBehaviour,
  type RunOutcome,
  SIDECAR_FILE,
  sidecarSchema,
} from './sidecar.js';
export {
  isExecutedState,
  isExecutionSettled,
  isInExecution,
  isTerminalState,
  JOB_STATES,
  type JobState,
} from './states.js';
export { EngineStats, type EngineStatsSnapshot } from './stats.js';
