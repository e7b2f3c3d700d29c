/**
 * Configuration of the KNIME Business Hub simulator. Every option with alternatives covers a point
 * that the public Hub sources leave open. The defaults are the most likely behaviour, and
 * docs/simulator-hub.md lists each one.
 */

/** An application password: Basic user name `pwId`, Basic password `password`. */
export interface HubApplicationPassword {
  /** Basic user name, a 43-character base64url string on a real Hub. */
  readonly pwId: string;
  readonly password: string;
  /** Account-style id, such as `account:app-pw:<uuid>`. @default derived from `pwId` */
  readonly id?: string;
  /** Display name, such as `ci-runner`. @default 'application password' */
  readonly name?: string;
  /** A revoked password gets 401 on every call. @default false */
  readonly revoked?: boolean;
}

/** A user account of the simulated Hub. */
export interface HubUser {
  /** Account name, the `<account>` segment of `/Users/<account>/<space>/...` paths. */
  readonly name: string;
  /** Account id. @default `account:user:<uuid derived from the name>` */
  readonly id?: string;
  readonly applicationPasswords?: readonly HubApplicationPassword[];
  /** Opaque bearer tokens that authenticate as this user (stand-ins for Keycloak JWTs). */
  readonly bearerTokens?: readonly string[];
  /** Names of the teams the user belongs to. */
  readonly teams?: readonly string[];
  /** Hub admin, with access to every job, deployment and space. @default false */
  readonly admin?: boolean;
}

/** A team account; spaces and deployments belong to it. */
export interface HubTeam {
  readonly name: string;
  /** @default `account:team:<uuid derived from the name>` */
  readonly id?: string;
}

/**
 * Operating state of an execution context, after the states KNIME's remote-execution docs name:
 * `running` accepts jobs up to `maxLoadedJobs`, `full` and `stopped` accept none (jobs wait for a
 * free slot), `disabled` rejects new jobs at once.
 */
export type ExecutionContextStatus = 'running' | 'full' | 'stopped' | 'disabled';

export interface HubExecutionContextConfig {
  readonly name: string;
  /** @default a UUID derived from the name */
  readonly id?: string;
  /** Owning account name or id; `hub:global` for a shared context. @default the first team */
  readonly scope?: string;
  /** @default 'running' */
  readonly status?: ExecutionContextStatus;
  /** Maximum number of loaded jobs at once; further jobs wait for a slot. @default no limit */
  readonly maxLoadedJobs?: number;
  /** Default load timeout (`-1` on job creation), in ms. @default 300000 (PT5M) */
  readonly defaultLoadTimeoutMs?: number;
  /** Default synchronous execution timeout (`timeout=-1`), in ms. @default 300000 (PT5M) */
  readonly defaultExecutionTimeoutMs?: number;
  /** Inline input and output limit in MB (`maxJobInOutSize`). @default 10 */
  readonly maxJobInOutSizeMb?: number;
}

/** A named version of a workflow, addressed with `itemVersion=<version>`. */
export interface HubItemVersion {
  readonly version: number;
  readonly title?: string;
  readonly description?: string;
}

/**
 * Mapping of the workspace folder tree onto Hub spaces.
 * - `folders`: every top-level folder is a space of the first team, so `/Examples/Hello` is served
 *   as `/Users/<team>/Examples/Hello`; workflows directly in the workspace root go into the space
 *   {@link HubAppOptions.rootSpaceName}.
 * - `accounts`: top-level folders are account names (a user or team; unknown names become teams),
 *   second-level folders are their spaces, so `/Data Team/Services/Score` is
 *   `/Users/Data Team/Services/Score`.
 */
export type SpaceMapping = 'folders' | 'accounts';

export interface HubAppOptions {
  /** User accounts. Without any credential configured, authentication is off and requests act as the first user. */
  users: readonly HubUser[];
  teams: readonly HubTeam[];
  /** @default 'folders' */
  spaceMapping: SpaceMapping;
  /**
   * Name of the space that contains the workflows and files directly in the workspace root, with the
   * `folders` mapping. A KNIME workspace keeps its workflows there. @default 'Workspace'
   */
  rootSpaceName: string;
  /** Execution contexts; the first one is the default of every space. */
  executionContexts: readonly HubExecutionContextConfig[];
  /** Named versions per workflow, keyed by workspace path (`/Examples/Hello`) or Hub path. @default {} */
  itemVersions: Readonly<Record<string, readonly HubItemVersion[]>>;
  /** Response of `POST /jobs/{uuid}?async=true`: the started job, or the job as before the start. @default 'started' */
  asyncExecuteResponse: 'started' | 'before-start';
  /** Deployment types whose `POST /deployments/{id}/jobs` also executes the job with default inputs. @default [] */
  autoExecuteDeploymentTypes: readonly DeploymentType[];
  /** `workflowState` of a freshly loaded job. @default 'IDLE' */
  readyState: 'IDLE' | 'CONFIGURED';
  /** Error body style. @default 'problem' */
  errorStyle: 'problem' | 'problem-without-status' | 'text' | 'mason';
  /** Key of job inputs in job JSON. @default 'inputParameters' */
  inputParametersKey: 'inputParameters' | 'InputParameters';
  /** Job `@controls`: `self` (plus the data-app session controls), or none. @default 'self' */
  jobControls: 'self' | 'none';
  /** Requests per simulated second above which the simulator returns 429 (or 503); undefined means no limit. @default undefined */
  rateLimit: { readonly requestsPerSecond: number; readonly status: 429 | 503 } | undefined;
  /** `deploymentId` on jobs: `rest:<uuid>` or the bare UUID. @default 'typed' */
  deploymentIdFormat: 'typed' | 'uuid';
  /** Delivery of output resources: direct 200, or a 307 to a storage URL on the same server. @default 'direct' */
  outputResourceDelivery: 'direct' | 'redirect';
  /** Timestamp style. `hub` writes jobs as `…+01:00[Europe/Berlin]` and deployments as `…Z[GMT]`. @default 'hub' */
  timestampFormat: 'hub' | 'iso' | 'micros' | 'seconds';
  /** Which endpoints honour `?authToken=`. @default 'all' */
  authTokenQuery: 'all' | 'none';
  /** Outcome of a load rejected for capacity: 504 after the load timeout, or a job in `LOAD_ERROR`. @default '504' */
  capacityRejection: '504' | 'load-error';
  /** Fate of a one-shot execution's job on a 504: cancel and discard it, or keep it. @default 'cancel-and-discard' */
  oneShotTimeout: 'cancel-and-discard' | 'keep';
  /** Body for `Prefer: edge-compatible`: the `outputValues` map alone, or the job id with `outputValues`. @default 'outputs' */
  edgeCompatibleShape: 'outputs' | 'job-outputs-only';
  /** Creation path spellings accepted for deployments. @default 'both' */
  deploymentCreationPaths: 'both' | 'plural';
  /**
   * Gzip error bodies (`Content-Encoding: gzip`) for callers that accept gzip, as the Hub's proxy
   * may do; KNIME's own client once read such bodies as raw bytes. @default false
   */
  compressErrors: boolean;
  /** Zone of `hub` timestamps. @default 'Europe/Berlin' */
  timeZone: string;
  /** Lifetime of an output-resource storage URL, in simulated ms. @default 60000 */
  storageUrlLifetimeMs: number;
}

export type DeploymentType = 'rest' | 'schedule' | 'data-app' | 'trigger';

export const DEPLOYMENT_TYPES: readonly DeploymentType[] = ['rest', 'schedule', 'data-app', 'trigger'];

export const DEFAULT_HUB_USER = 'knime-user';
export const DEFAULT_HUB_TEAM = 'Simulated Team';

export const DEFAULT_HUB_APP_OPTIONS: HubAppOptions = {
  users: [{ name: DEFAULT_HUB_USER, teams: [DEFAULT_HUB_TEAM] }],
  teams: [{ name: DEFAULT_HUB_TEAM }],
  spaceMapping: 'folders',
  rootSpaceName: 'Workspace',
  executionContexts: [{ name: 'Default execution context' }],
  itemVersions: {},
  asyncExecuteResponse: 'started',
  autoExecuteDeploymentTypes: [],
  readyState: 'IDLE',
  errorStyle: 'problem',
  inputParametersKey: 'inputParameters',
  jobControls: 'self',
  rateLimit: undefined,
  deploymentIdFormat: 'typed',
  outputResourceDelivery: 'direct',
  timestampFormat: 'hub',
  authTokenQuery: 'all',
  capacityRejection: '504',
  oneShotTimeout: 'cancel-and-discard',
  edgeCompatibleShape: 'outputs',
  deploymentCreationPaths: 'both',
  compressErrors: false,
  timeZone: 'Europe/Berlin',
  storageUrlLifetimeMs: 60_000,
};

/** PT5M, the execution service's default load and execution timeout. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Default `timeout` of output-resource downloads, in ms. */
export const OUTPUT_RESOURCE_TIMEOUT_MS = 30_000;
/** `maxJobInOutSize` default, in MB. */
export const DEFAULT_IN_OUT_SIZE_MB = 10;
