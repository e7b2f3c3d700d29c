/**
 * Pipelines: files of steps with needs, conditions, timeouts and retries, run against a SQLite
 * ledger so a crashed run resumes without losing or repeating a step.
 */
export { type PipelineClock, systemClock } from './clock.js';
export type { GraphFormat } from './dag.js';
export { formatDuration, parseDuration } from './duration.js';
export * from './errors.js';
export type { PipelineEvent, PipelineEventType } from './events.js';
export {
  type AttemptRecord,
  type AttemptState,
  DEFAULT_LEDGER_PATH,
  Ledger,
  type RunOutcome,
  type RunRecord,
  type StepRecord,
  type StepState,
} from './ledger/ledger.js';
export {
  loadPipeline,
  type Pipeline,
  type PipelineStep,
  parsePipeline,
  type RetryPolicy,
  type ValidationResult,
  validatePipeline,
} from './load.js';
export { EXIT_CODES, exitCodeForError, exitCodeForOutcome } from './outcome.js';
export { type ParamSpec, parseParamArguments, resolveParams } from './params.js';
export {
  type LedgerLocation,
  listRuns,
  pipelineGraph,
  type RunListEntry,
  type RunStatus,
  runStatus,
  type StepStatus,
} from './queries.js';
export {
  type ResumeRunOptions,
  type RunnerOptions,
  type RunPipelineOptions,
  type RunResult,
  RunTimeoutError,
  resumeRun,
  runKeyFor,
  runPipeline,
  type StepSummary,
} from './runner.js';
export { pipelineJsonSchema } from './schema.js';
export { findStepKind, stepKinds } from './steps/registry.js';
export type * from './steps/types.js';
