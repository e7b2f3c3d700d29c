export {
  OozieClient,
  type OozieCommandResult,
  type RerunInput,
  type SubmittedWorkflow,
  type SubmitWorkflowInput,
  TERMINAL_STATES,
  toJob,
} from './client.js';
export { buildConfigurationXml, parseActionData, parseConfigurationXml } from './configuration.js';
export { parseOozieDate } from './dates.js';
export {
  type OozieErrorDetail,
  type OozieFailingAction,
  OozieJobFailedError,
  OozieJobSuspendedError,
  OozieNegotiateRequiredError,
  OozieProtocolError,
  OozieSafeModeError,
  OozieSubmitUnconfirmedError,
  oozieDetailOf,
} from './errors.js';
export { type CurlLoginOptions, obtainHadoopAuthCookieWithCurl, readHadoopAuthCookie } from './kerberos.js';
export { type NormalizedOozieState, normalizeOozieStatus } from './states.js';
export type {
  OozieActionInfo,
  OozieAuth,
  OozieClientOptions,
  OozieJob,
  OozieWorkflowStatus,
} from './types.js';
export { findFailingAction, type OozieWaitOptions, type SuspendedPolicy, waitForJob } from './watch.js';
