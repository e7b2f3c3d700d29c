/**
 * knimectl library: run, watch, cancel and discard KNIME jobs from scripts and schedulers, and
 * run Alteryx Server and Oozie jobs with the same error tree.
 */

export {
  ALTERYX_PRIORITIES,
  type AlteryxAnswer,
  AlteryxCancelUnsupportedError,
  AlteryxClient,
  type AlteryxClientOptions,
  AlteryxInvalidInputError,
  type AlteryxJob,
  AlteryxJobFailedError,
  AlteryxJobHandle,
  type AlteryxJobResult,
  type AlteryxJobState,
  type AlteryxPriority,
  AlteryxQueueOutcomeError,
  type AlteryxWaitOptions,
  type AlteryxWorkflow,
  jobState as alteryxJobState,
  type QueueJobRequest,
} from './alteryx/index.js';
export {
  AuthenticationError,
  CancelledError,
  InvalidInputError,
  isKnimeError,
  JobFailedError,
  KnimeError,
  type KnimeErrorCode,
  NetworkError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  type RequestInfo,
  ServerError,
  type TimeoutClock,
  TimeoutError,
} from './errors/index.js';
export {
  applicationPassword,
  CapacityError,
  type CapacityStatus,
  type DetectedProduct,
  detectProduct,
  type ExecutionContextCapacity,
  formatHubTarget,
  HubBackend,
  type HubBackendOptions,
  type HubDeployment,
  type HubExecutionContext,
  type HubTarget,
  type HubTargetOptions,
  hubBackendOf,
  hubTarget,
  inferProductKind,
  isCapacityError,
  isDeploymentId,
  type ListDeploymentsOptions,
  type ListExecutionContextsOptions,
  listDeployments,
  listExecutionContexts,
  type ProductKind,
  parseHubTarget,
  resolveHubUrl,
} from './hub/index.js';
export type {
  DownloadResult,
  ExecuteOnceOptions,
  JobHandle,
  KnimeClient,
  OutputsOptions,
  RunOptions,
  RunResult,
  StartOptions,
} from './job/api.js';
export { clientFromBackend, createClient, createTransport, type Transport } from './job/client.js';
export type { ClientOptions } from './job/client-options.js';
export {
  blobInput,
  checkInputType,
  closestName,
  credentialsInput,
  fileInput,
  type PrepareInputsOptions,
  prepareInputs,
  rowInput,
  type TableColumnType,
  type TableValue,
  tableInput,
  variableInput,
} from './job/inputs.js';
export type { DiscardPolicy, PollOptions, WaitOptions } from './job/options.js';
export { isKnownState, outcomeOf, toStatus } from './job/states.js';
export type {
  Backend,
  CallOptions,
  FileInput,
  Inputs,
  JobListFilter,
  JobSnapshot,
  JobStatus,
  NodeMessage,
  OneShotMode,
  Outcome,
  ParameterDescription,
  PreparedInputs,
  RepositoryEntry,
  ResourceDescription,
  ResourceStream,
  WorkflowDescription,
} from './job/types.js';
export { TERMINAL_OUTCOMES } from './job/types.js';
export {
  type NormalizedOozieState,
  normalizeOozieStatus,
  type OozieAuth,
  OozieClient,
  type OozieClientOptions,
  type OozieJob,
  OozieJobFailedError,
  OozieJobSuspendedError,
  OozieNegotiateRequiredError,
  OozieSubmitUnconfirmedError,
  type OozieWaitOptions,
  type SubmittedWorkflow,
  type SubmitWorkflowInput,
} from './oozie/index.js';
export { Authenticator } from './transport/auth.js';
export { systemClock } from './transport/clock.js';
export { HttpClient, type HttpRequest, type HttpResponse, JSON_ACCEPT } from './transport/http.js';
export { createSafeLogger, silentLogger } from './transport/logger.js';
export { redactHeaders, redactText, redactUrl } from './transport/redact.js';
export { resolveRetryOptions } from './transport/retry.js';
export type {
  Auth,
  BasicAuth,
  BearerAuth,
  Clock,
  JwtAuth,
  LogFields,
  Logger,
  LogLevel,
  RetryOptions,
  TlsOptions,
} from './transport/types.js';
