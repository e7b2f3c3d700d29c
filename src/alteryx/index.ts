/**
 * Client of the Alteryx Server API V3 with OAuth 2 client credentials.
 */
export {
  ALTERYX_PRIORITIES,
  AlteryxClient,
  type AlteryxPriority,
  type PreparedJob,
  type QueueJobRequest,
} from './client.js';
export * from './errors.js';
export {
  AlteryxJobHandle,
  type AlteryxJobResult,
  type AlteryxPollOptions,
  type AlteryxWaitOptions,
} from './handle.js';
export { type AlteryxJobState, isFinalState, jobState } from './outcome.js';
export { chooseFormat, type DownloadedOutput } from './outputs.js';
export { type AlteryxAnswer, buildQuestionValues, closestName, type QuestionValue } from './questions.js';
export type { AlteryxClientOptions, AlteryxClock, AlteryxLogger } from './types.js';
export type {
  AlteryxJob,
  AlteryxJobSummary,
  AlteryxOutput,
  AlteryxQuestion,
  AlteryxWorkflow,
} from './wire.js';
