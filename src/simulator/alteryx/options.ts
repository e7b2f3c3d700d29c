import type { SimClock } from '../common/clock.js';
import type { FaultConfig } from '../common/faults.js';
import type { SimWorkflow } from './workflows.js';

/**
 * Server release whose routes the simulator serves. `2022.1` has no `GET v3/jobs/{id}` (jobs are
 * read through the legacy `GET v1/jobs/{id}/`), `2023.2` adds it with `includeMessages`, `2024.2`
 * adds the admin-only `GET v3/jobs/{id}/messages`.
 */
export type AlteryxProfile = '2022.1' | '2023.2' | '2024.2';

/** One API key pair the token endpoint accepts. */
export interface SimCredential {
  apiKey: string;
  apiSecret: string;
  /** Admins may read every job and the messages route; users see only the jobs they queued. */
  role: 'admin' | 'user';
}

/** Strings the simulator writes into `disposition`, per outcome. */
export interface DispositionValues {
  success: string;
  warning: string;
  error: string;
  cancelled: string;
  /** Value while the job is queued or running. */
  pending: string;
}

/**
 * Options of {@link createAlteryxSimulator}. Every switch for a behaviour that public sources do not
 * settle has a default and is listed with its reason in docs/alteryx.md.
 */
export interface AlteryxSimulatorOptions {
  /** Path prefix of every route. @default '/webapi/' */
  basePath?: string;
  /** Time source of token expiry and job durations. @default a RealClock */
  clock?: SimClock;
  /** Fault injection rules applied to every route. */
  faults?: FaultConfig;
  /** Workflows the server publishes. @default the set of {@link defaultAlteryxWorkflows} */
  workflows?: SimWorkflow[];
  /** Key pairs accepted by `POST oauth2/token`. @default one admin pair, `sim-api-key` / `sim-api-secret` */
  credentials?: SimCredential[];
  /** Lifetime of an access token, in seconds. @default 3600 */
  tokenTtlSeconds?: number;
  /** Where the token endpoint accepts the key pair: form body, HTTP Basic or both. @default 'both' */
  credentialsIn?: 'body' | 'basic' | 'both';
  /** HTTP status for a wrong key pair at the token endpoint. @default 401 */
  invalidClientStatus?: 400 | 401;
  /** `token_type` of token responses. @default 'bearer' */
  tokenType?: string;
  /** Which JSON bodies start with a UTF-8 byte-order mark. @default 'v1' */
  bom?: 'v1' | 'all' | 'none';
  /** Release whose routes exist. @default '2024.2' */
  profile?: AlteryxProfile;
  /** Behaviour of `DELETE v3/jobs/{id}`. @default '405' */
  cancelRoute?: 'absent' | '405' | '404' | 'works';
  /** Answer to a queue request that names a question the app does not have. @default '400' */
  unknownQuestion?: '400' | 'ignore';
  /** Whether a workflow that is not an app may be queued. @default 'allowed' */
  standardWorkflowJobs?: 'allowed' | '400';
  /** Answer 404 to paths with `//` instead of reading them as `/`. @default false */
  strictSlashes?: boolean;
  /** Disposition strings. @default Success, Warning, Error, Cancelled and '' while pending */
  dispositionValues?: Partial<DispositionValues>;
  /** Add fields the client does not know to every object, as newer releases do. @default false */
  extraFields?: boolean;
  /** Answer 403 to non-admins on `GET v3/jobs/{id}/messages`. @default true */
  messagesAdminOnly?: boolean;
  /** Shape of `GET v3/jobs/{id}/messages`: an array of messages or one message object. @default 'array' */
  messagesShape?: 'array' | 'single';
  /** HTTP status for a job the caller may not see. @default 404 */
  hiddenJobStatus?: 403 | 404;
  /** HTTP status of a successful queue request. @default 200 */
  queueStatus?: 200 | 201;
  /** Number of workers; each runs one job at a time. @default 1 */
  workers?: number;
  /** Worker tags the workers serve; a job with another non-empty tag stays queued. @default [] */
  workerTags?: string[];
  /** Time a job stays queued before a worker may take it, in milliseconds. @default 0 */
  queueDelayMs?: number;
  /** Time a job runs, in milliseconds, unless its workflow sets its own. @default 5000 */
  runMs?: number;
  /** Separator between the values of a `multiple` question's answer. @default ',' */
  multiValueSeparator?: string;
  /** Answer to a queue request that leaves out a question without a default. @default 'use-default' */
  missingAnswer?: 'use-default' | '400';
  /** HTTP status for an output download of a job that has not completed. @default 404 */
  outputBeforeCompletionStatus?: 400 | 404;
  /** Default `limit` of `GET v3/workflows/{id}/jobs`, and the largest accepted. @default 20, 100 */
  jobListLimit?: { default: number; max: number };
}

/** Options with every default filled in. */
export type ResolvedAlteryxOptions = Required<
  Omit<AlteryxSimulatorOptions, 'clock' | 'faults' | 'workflows' | 'dispositionValues'>
> & {
  dispositionValues: DispositionValues;
};

/** Default key pair of the simulator. It protects nothing; the simulator serves loopback only. */
export const defaultSimCredential: SimCredential = {
  apiKey: 'sim-api-key',
  apiSecret: 'sim-api-secret',
  role: 'admin',
};

/** Fills in the defaults and checks the numbers. */
export function resolveAlteryxOptions(options: AlteryxSimulatorOptions): ResolvedAlteryxOptions {
  const resolved: ResolvedAlteryxOptions = {
    basePath: normalizeBasePath(options.basePath ?? '/webapi/'),
    credentials: options.credentials ?? [defaultSimCredential],
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    credentialsIn: options.credentialsIn ?? 'both',
    invalidClientStatus: options.invalidClientStatus ?? 401,
    tokenType: options.tokenType ?? 'bearer',
    bom: options.bom ?? 'v1',
    profile: options.profile ?? '2024.2',
    cancelRoute: options.cancelRoute ?? '405',
    unknownQuestion: options.unknownQuestion ?? '400',
    standardWorkflowJobs: options.standardWorkflowJobs ?? 'allowed',
    strictSlashes: options.strictSlashes ?? false,
    dispositionValues: {
      success: 'Success',
      warning: 'Warning',
      error: 'Error',
      cancelled: 'Cancelled',
      pending: '',
      ...options.dispositionValues,
    },
    extraFields: options.extraFields ?? false,
    messagesAdminOnly: options.messagesAdminOnly ?? true,
    messagesShape: options.messagesShape ?? 'array',
    hiddenJobStatus: options.hiddenJobStatus ?? 404,
    queueStatus: options.queueStatus ?? 200,
    workers: options.workers ?? 1,
    workerTags: options.workerTags ?? [],
    queueDelayMs: options.queueDelayMs ?? 0,
    runMs: options.runMs ?? 5000,
    multiValueSeparator: options.multiValueSeparator ?? ',',
    missingAnswer: options.missingAnswer ?? 'use-default',
    outputBeforeCompletionStatus: options.outputBeforeCompletionStatus ?? 404,
    jobListLimit: options.jobListLimit ?? { default: 20, max: 100 },
  };

  checkNonNegative('tokenTtlSeconds', resolved.tokenTtlSeconds);
  checkNonNegative('queueDelayMs', resolved.queueDelayMs);
  checkNonNegative('runMs', resolved.runMs);
  if (!Number.isInteger(resolved.workers) || resolved.workers < 0) {
    throw new RangeError(`workers must be a whole number of 0 or more, got ${resolved.workers}`);
  }
  if (resolved.credentials.length === 0) {
    throw new RangeError('credentials must contain at least one key pair');
  }
  return resolved;
}

function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of 0 or more, got ${value}`);
  }
}

/** Returns `path` with exactly one leading and one trailing slash, such as `/webapi/`. */
function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}
