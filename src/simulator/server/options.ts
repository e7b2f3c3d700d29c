/** A user account of the simulated server. */
export interface SimulatorUser {
  readonly name: string;
  readonly password: string;
}

/**
 * Repository permissions of one user (or of every user with `user: '*'`). Paths are repository
 * path prefixes matched per segment: `/Examples` covers `/Examples` and `/Examples/Scoring`, not
 * `/Examples2`. An item is usable when `allow` is absent or covers it, and no `deny` entry covers it.
 */
export interface PermissionRule {
  readonly user: string;
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

/**
 * Behaviour of the HTTP layer. Each option with alternatives covers a point that KNIME Server's
 * public sources leave open; the defaults are the most likely behaviour (see docs/simulator.md).
 */
export interface ServerAppOptions {
  /** Servlet context in front of `/rest/v4`, used in every absolute URL. @default '/knime' */
  contextRoot: string;
  /** Further context roots that serve the same API, such as `/webportal`. @default [] */
  extraContextRoots: readonly string[];
  /** Accounts for Basic authentication. Empty disables authentication (user `anonymous`). @default [] */
  users: readonly SimulatorUser[];
  /** Per-user allow and deny lists; no rule allows everything. @default [] */
  permissions: readonly PermissionRule[];
  /** `WWW-Authenticate` value sent with 401, or false to omit it. @default 'Basic realm="KNIME Server"' */
  wwwAuthenticate: string | false;
  /** Lifetime of tokens from `GET /auth/jwt` in simulated ms; undefined never expires. @default undefined */
  jwtLifetimeMs: number | undefined;
  /** Error body style. @default 'mason' */
  errorStyle: 'mason' | 'text' | 'empty';
  /** Status of input validation errors. @default 400 */
  validationStatus: 400 | 409 | 500;
  /** Status of new inputs while the job is executing. @default 409 */
  busyStatus: 409 | 400;
  /** Serve `DELETE /jobs/{id}/execution` (the Business Hub cancel path, unverified on Server). @default true */
  cancelEndpoint: boolean;
  /** Unknown query parameters of `POST {wf}:jobs`. @default 'ignore' */
  unknownCreateParameters: 'ignore' | 'reject';
  /** What `:execution` does with its job after the response. @default 'discard' */
  executionJob: 'discard' | 'keep';
  /** Body of `:execution` and `:job-pool` responses. @default 'job' */
  executionResponse: 'job' | 'outputs';
  /** What happens to the job when a synchronous wait ends with 504. @default 'keep-running' */
  syncTimeout: 'keep-running' | 'cancel';
  /** Wire format of job timestamps. @default 'iso' */
  timestampFormat: 'iso' | 'epoch-ms' | 'epoch-seconds';
  /** Include `inputParameters` in job JSON. @default true */
  jobInputParameters: boolean;
  /** Include `executorName` and `executorID` in job JSON. @default false */
  jobExecutorFields: boolean;
  /** Send Mason `@controls` on items and jobs. @default true */
  controls: boolean;
  /** Loaded jobs kept per workflow and user for `:job-pool`. @default 1 */
  jobPoolSize: number;
  /** `POST {wf}:jobs` answers once loading ended (`wait`) or at once in `LOADING`. @default 'wait' */
  createJob: 'wait' | 'background';
  /** Jobs a user sees in `GET /jobs` and may use: their own, or everybody's. @default 'owner' */
  jobVisibility: 'owner' | 'all';
  /** `owner` of repository items. @default 'knimeadmin' */
  repositoryOwner: string;
  /** Users who may read `GET /admin/logs`; everybody else gets 403. @default [] */
  admins: readonly string[];
}

export const DEFAULT_SERVER_APP_OPTIONS: ServerAppOptions = {
  contextRoot: '/knime',
  extraContextRoots: [],
  users: [],
  permissions: [],
  wwwAuthenticate: 'Basic realm="KNIME Server"',
  jwtLifetimeMs: undefined,
  errorStyle: 'mason',
  validationStatus: 400,
  busyStatus: 409,
  cancelEndpoint: true,
  unknownCreateParameters: 'ignore',
  executionJob: 'discard',
  executionResponse: 'job',
  syncTimeout: 'keep-running',
  timestampFormat: 'iso',
  jobInputParameters: true,
  jobExecutorFields: false,
  controls: true,
  jobPoolSize: 1,
  createJob: 'wait',
  jobVisibility: 'owner',
  repositoryOwner: 'knimeadmin',
  admins: [],
};

/** Normalises a context root to `/name` form: leading slash, no trailing slash. */
export function normaliseContextRoot(root: string): string {
  const trimmed = root.trim().replace(/\/+$/, '');
  if (trimmed === '') throw new RangeError('context root must not be empty; use a path such as /knime');
  const withSlash = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (/[?#\s]/.test(withSlash))
    throw new RangeError(`context root "${root}" must be a plain path such as /knime`);
  return withSlash;
}
