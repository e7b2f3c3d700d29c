/**
 * Job creation on a Hub: one `POST` that is never repeated blindly, reconciliation of a lost
 * response against the job list of the workflow or deployment, the wait for the load, and the
 * capacity check that separates "no room in the execution context" from a failed workflow.
 */
import {
  CancelledError,
  type KnimeError,
  NetworkError,
  NotFoundError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import type { JobSnapshot } from '../job/types.js';
import type { HubDirectory } from './directory.js';
import { CapacityError } from './errors.js';
import { encodeSegment, type HubHttp, type HubQuery } from './http.js';
import type { HubDeployment, HubExecutionContext } from './parse.js';
import { parseHubJob } from './parse.js';

/** A target after deployment names were looked up. */
export type ResolvedTarget =
  | { kind: 'workflow'; workflowUri: string; itemVersion?: string; executionContext?: string; label: string }
  | { kind: 'deployment'; deployment: HubDeployment; label: string };

export interface CreateSettings {
  reconcileCreate: boolean;
  maxUnlandedAttempts: number;
  loadTimeoutMs: number;
  visibilityGraceMs: number;
  /** Value of the `KNIME-Created-By` header. */
  createdBy: string;
}

/** Backend services that job creation uses. */
export interface CreateServices {
  http: HubHttp;
  directory: HubDirectory;
  settings: CreateSettings;
  /** Job ids this client created or adopted, so that reconciliation never adopts one twice. */
  claimed: Set<string>;
  getJob(jobId: string, signal?: AbortSignal): Promise<JobSnapshot>;
  listJobsOf(target: ResolvedTarget, signal?: AbortSignal): Promise<JobSnapshot[]>;
  discardJob(jobId: string): Promise<unknown>;
}

/** `jobState` values of a job whose load has not finished. */
const LOADING_JOB_STATES = new Set(['LOAD_REQUESTED', 'LOADING', 'UNDEFINED']);
/** `jobState` values of a job that was not executed yet, for reconciliation. */
const FRESH_JOB_STATES = new Set(['LOAD_REQUESTED', 'LOADING', 'LOADED', 'LOAD_ERROR', 'UNDEFINED']);
const FRESH_WORKFLOW_STATES = new Set([
  'UNDEFINED',
  'IDLE',
  'CONFIGURED',
  'NOT_EXECUTABLE',
  'LOAD_ERROR',
  'LOADING',
]);
/** Allowed difference between the client clock and the Hub clock, in milliseconds. */
const CLOCK_SKEW_MS = 5 * 60_000;
const LOAD_POLL_INTERVALS_MS = [100, 250, 500, 1000, 2000];

/**
 * Creates a job with `asyncLoading=true` and waits until it has loaded.
 * @returns the loaded job (or one that failed to load for a reason other than capacity)
 * @throws CapacityError when the execution context had no room; the created job is discarded
 * @throws TimeoutError (clock `load`) when the load did not finish within the load timeout
 */
export async function createHubJob(
  services: CreateServices,
  target: ResolvedTarget,
  options: { loadTimeoutMs?: number; signal?: AbortSignal },
): Promise<JobSnapshot> {
  const loadTimeoutMs = options.loadTimeoutMs ?? services.settings.loadTimeoutMs;
  services.http.logger.info('creating Hub job', {
    target: target.label,
    ...(target.kind === 'deployment'
      ? { deployment: target.deployment.id }
      : {
          itemVersion: target.itemVersion ?? 'current state',
          executionContext: target.executionContext ?? 'default',
        }),
    asyncLoading: true,
    loadTimeoutMs,
  });
  const job = await postJob(services, target, loadTimeoutMs, options.signal);
  return waitForLoad(services, target, job, loadTimeoutMs, options.signal);
}

function creationRequest(target: ResolvedTarget, loadTimeoutMs: number) {
  // The Hub's own load timeout matches the client's, so a job that waits for a slot fails on both
  // sides at the same time instead of loading after the client gave up.
  const common: HubQuery = { asyncLoading: true, timeout: Math.max(1, Math.round(loadTimeoutMs)) };
  if (target.kind === 'deployment') {
    return {
      path: `/deployments/${encodeSegment(target.deployment.id)}/jobs`,
      query: common,
      json: undefined,
    };
  }
  return {
    path: '/jobs',
    query: { workflowUri: target.workflowUri, itemVersion: target.itemVersion, ...common },
    json: target.executionContext === undefined ? undefined : { executionContext: target.executionContext },
  };
}

async function postJob(
  services: CreateServices,
  target: ResolvedTarget,
  loadTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<JobSnapshot> {
  const { http, settings } = services;
  const request = creationRequest(target, loadTimeoutMs);
  const before = settings.reconcileCreate
    ? new Set((await services.listJobsOf(target, signal)).map((job) => job.id))
    : undefined;

  for (let attempt = 1; ; attempt += 1) {
    const startedAt = http.clock.now();
    try {
      const response = await http.request({
        method: 'POST',
        path: request.path,
        query: request.query,
        json: request.json,
        headers: { 'KNIME-Created-By': settings.createdBy },
        idempotent: false,
        signal,
      });
      const job = parseHubJob(response.data, { method: 'POST', url: response.url });
      services.claimed.add(job.id);
      return job;
    } catch (error) {
      const retryAfterMs = rateLimitDelay(error, attempt);
      if (retryAfterMs !== undefined && attempt < settings.maxUnlandedAttempts) {
        http.logger.warn('job creation was rate limited (HTTP 429); sending it again', {
          target: target.label,
          attempt,
          delayMs: retryAfterMs,
        });
        await pause(http, retryAfterMs, signal);
        continue;
      }
      if (!isLostResponse(error) || before === undefined) {
        throw await asCapacityError(services, target, error, signal);
      }

      const after = await services.listJobsOf(target, signal);
      const identity = await services.directory.identity(signal).catch(() => undefined);
      const candidates = after.filter((job) =>
        isCandidate(job, before, services.claimed, startedAt, identity?.id),
      );
      if (candidates.length === 1) {
        const adopted = candidates[0]!;
        http.logger.warn('job creation response was lost; adopted the job it created', {
          target: target.label,
          jobId: adopted.id,
        });
        services.claimed.add(adopted.id);
        return adopted;
      }
      if (candidates.length > 1) {
        throw withCause(
          new NetworkError(
            `${(error as KnimeError).request?.method ?? 'POST'} ${(error as KnimeError).request?.url ?? request.path} lost its ` +
              `response and ${candidates.length} new jobs of ${target.label} appeared meanwhile ` +
              `(${candidates.map((job) => job.id).join(', ')}); not repeated to avoid a duplicate. Discard the extra jobs with their ids.`,
            { request: (error as KnimeError).request },
          ),
          error,
        );
      }
      if (attempt >= settings.maxUnlandedAttempts)
        throw await asCapacityError(services, target, error, signal);
      http.logger.warn('job creation did not reach the Hub; sending it again', {
        target: target.label,
        attempt,
        reason: (error as Error).message,
      });
      for (const job of after) before.add(job.id);
      await pause(http, Math.min(4000, 250 * 2 ** (attempt - 1)), signal);
    }
  }
}

/**
 * Checks whether `job` may be the one a lost request created: new since the request, not claimed,
 * not executed, created no earlier than the request (within the clock skew), and not started by
 * another user. An initiator that is an application password cannot be compared with the caller's
 * user id, so it is accepted.
 */
function isCandidate(
  job: JobSnapshot,
  before: ReadonlySet<string>,
  claimed: ReadonlySet<string>,
  startedAt: number,
  userId: string | undefined,
): boolean {
  if (before.has(job.id) || claimed.has(job.id)) return false;
  if (job.startedAt !== undefined) return false;
  if (job.jobState !== undefined && !FRESH_JOB_STATES.has(job.jobState)) return false;
  if (!FRESH_WORKFLOW_STATES.has(job.state)) return false;
  const initiator = job.raw.initiator;
  if (
    userId !== undefined &&
    typeof initiator === 'string' &&
    initiator.startsWith('account:user:') &&
    initiator !== userId
  )
    return false;
  if (job.createdAt !== undefined && job.createdAt < startedAt - CLOCK_SKEW_MS) return false;
  return true;
}

/** Checks whether the load of `job` is still running. */
export function isLoading(job: JobSnapshot): boolean {
  if (job.jobState !== undefined) return LOADING_JOB_STATES.has(job.jobState);
  return job.state === 'LOADING' || job.state === 'UNDEFINED';
}

async function waitForLoad(
  services: CreateServices,
  target: ResolvedTarget,
  created: JobSnapshot,
  loadTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<JobSnapshot> {
  const { http, settings } = services;
  const started = http.clock.now();
  const deadline = started + loadTimeoutMs;
  let job = created;
  let missingSince: number | undefined;

  for (let poll = 0; isLoading(job) || missingSince !== undefined; poll += 1) {
    const now = http.clock.now();
    if (now >= deadline) {
      throw await loadTimedOut(services, target, job, loadTimeoutMs, signal);
    }
    const delay = LOAD_POLL_INTERVALS_MS[Math.min(poll, LOAD_POLL_INTERVALS_MS.length - 1)]!;
    await pause(http, Math.min(delay, deadline - now), signal);
    try {
      job = await services.getJob(created.id, signal);
      missingSince = undefined;
    } catch (error) {
      // Right after an asynchronous creation the job may not be visible yet.
      if (!(error instanceof NotFoundError)) throw error;
      missingSince ??= http.clock.now();
      if (http.clock.now() - missingSince >= settings.visibilityGraceMs) {
        throw new NotFoundError(
          `job ${created.id} of ${target.label} was created but never became visible within ${settings.visibilityGraceMs} ms ` +
            '(GET returned HTTP 404); check the job list of the Hub before starting it again',
          { jobId: created.id, request: error.request, status: 404, cause: error },
        );
      }
    }
  }

  if (job.jobState === 'LOAD_ERROR' || job.state === 'LOAD_ERROR') {
    const context = await contextOf(services, target, job, undefined, signal);
    if (context && context.capacity.status !== 'available') {
      await discardQuietly(services, job.id);
      throw capacityError(context, `job ${job.id} of ${target.label} could not be loaded`, { jobId: job.id });
    }
  }
  return job;
}

async function loadTimedOut(
  services: CreateServices,
  target: ResolvedTarget,
  job: JobSnapshot,
  loadTimeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<KnimeError> {
  // The job would take a slot once it loads, long after the caller gave up on it.
  await discardQuietly(services, job.id);
  const context = await contextOf(services, target, job, undefined, signal);
  if (context && context.capacity.status !== 'available') {
    return capacityError(
      context,
      `job ${job.id} of ${target.label} did not load within ${loadTimeoutMs} ms`,
      {
        jobId: job.id,
      },
    );
  }
  return new TimeoutError(
    `job ${job.id} of ${target.label}: the load timeout of ${loadTimeoutMs} ms ran out (last state ` +
      `${job.jobState ?? job.state}); the job was discarded. Raise loadTimeoutMs, or check the execution context`,
    { jobId: job.id, clock: 'load', limitMs: loadTimeoutMs, lastState: job.state },
  );
}

/**
 * Turns a rejected creation (HTTP 422, 503 or 504) into a {@link CapacityError} when the execution
 * context explains it; any other error is returned unchanged.
 */
async function asCapacityError(
  services: CreateServices,
  target: ResolvedTarget,
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const missing = asMissingItemError(target, error);
  if (missing) return missing;

  const status = (error as KnimeError).status;
  if (status !== 422 && status !== 503 && status !== 504) return error;
  const text = (error as KnimeError).body ?? (error as Error).message;
  const context = await contextOf(services, target, undefined, text, signal);
  if (!context || context.capacity.status === 'available') return error;
  return capacityError(
    context,
    `${(error as KnimeError).request?.method ?? 'POST'} ${(error as KnimeError).request?.url ?? ''} failed with HTTP ${status}: ${text}`,
    { request: (error as KnimeError).request, status, body: (error as KnimeError).body, cause: error },
  );
}

/**
 * Turns HTTP 422 for a workflow or deployment that does not exist into a {@link NotFoundError}. The
 * execution API declares no 404 for job creation or `/jobs/open-api` and answers an unknown
 * `workflowUri` with 422.
 *
 * NOTE: the problem text of a real Hub for this case is not public; the match is on the wording
 * "does not exist" or "not found", which the simulator uses.
 */
export function asMissingItemError(target: ResolvedTarget, error: unknown): NotFoundError | undefined {
  const failure = error as KnimeError;
  if (failure.status !== 422) return undefined;
  const text = `${failure.body ?? ''} ${failure.message}`;
  if (!/does not exist|not found/i.test(text)) return undefined;
  const notFound = new NotFoundError(`${target.label} was not found: ${failure.message}`, {
    request: failure.request,
    status: failure.status,
    body: failure.body,
    cause: error,
  });
  const ids = error as { requestId?: string; errorId?: string };
  return Object.assign(notFound, { requestId: ids.requestId, errorId: ids.errorId });
}

/**
 * Finds the execution context a job runs in: the job's own `executionContext`, the one the target
 * chose, the deployment's, or else the one visible context that the error text names (or the only
 * visible one). Never throws, and returns `undefined` when the context cannot be determined.
 */
async function contextOf(
  services: CreateServices,
  target: ResolvedTarget,
  job: JobSnapshot | undefined,
  errorText: string | undefined,
  signal: AbortSignal | undefined,
): Promise<HubExecutionContext | undefined> {
  const fromJob = job?.raw.executionContext;
  const known =
    (typeof fromJob === 'string' ? fromJob : undefined) ??
    (target.kind === 'deployment' ? target.deployment.executionContext : target.executionContext);
  try {
    if (known !== undefined) return await services.directory.executionContext(known, signal);
    const visible = await services.directory.listExecutionContexts({ signal });
    const named = visible.filter(
      (context) =>
        errorText !== undefined &&
        (errorText.includes(context.id) || (context.name !== undefined && errorText.includes(context.name))),
    );
    if (named.length === 1) return named[0];
    return visible.length === 1 ? visible[0] : undefined;
  } catch (error) {
    services.http.logger.debug('could not read the execution context to check its capacity', {
      error: (error as Error).message,
    });
    return undefined;
  }
}

function capacityError(
  context: HubExecutionContext,
  what: string,
  options: ConstructorParameters<typeof ServerError>[1] = {},
): CapacityError {
  const status = context.capacity.status as 'full' | 'stopped' | 'disabled';
  const name = context.name === undefined ? context.id : `"${context.name}" (${context.id})`;
  const reason = {
    full: `is at full capacity (${context.capacity.loadedJobs ?? '?'} of ${context.capacity.maxLoadedJobs ?? '?'} jobs loaded)`,
    stopped: 'has no running executor and does not start one on demand',
    disabled: 'is disabled',
  }[status];
  const next =
    status === 'full'
      ? 'try again later, run fewer jobs at once, or choose another context with ?executionContext=<uuid>'
      : 'ask a Hub administrator to start or enable it, or choose another context with ?executionContext=<uuid>';
  return new CapacityError(`${what}: execution context ${name} ${reason}; ${next}`, {
    ...options,
    executionContext: { id: context.id, name: context.name },
    capacityStatus: status,
  });
}

async function discardQuietly(services: CreateServices, jobId: string): Promise<void> {
  try {
    await services.discardJob(jobId);
  } catch (error) {
    services.http.logger.error('could not discard a job that did not load', {
      jobId,
      error: (error as Error).message,
    });
  }
}

/**
 * Checks whether a failed job-creating request may have been carried out by the Hub: connection
 * failures, per-request timeouts, and gateway responses (502, 503, 504).
 */
export function isLostResponse(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof TimeoutError && error.clock === 'request') return true;
  return (
    error instanceof ServerError && (error.status === 502 || error.status === 503 || error.status === 504)
  );
}

/**
 * Returns the delay before a request that got HTTP 429 is sent again: `Retry-After` when the Hub
 * sent one, else 250 ms doubled per attempt up to 4 s. A 429 means the Hub did not act on the
 * request, so even a job-creating request may be repeated. Returns `undefined` for other errors.
 */
export function rateLimitDelay(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof ServerError) || error.status !== 429) return undefined;
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof retryAfterMs === 'number' ? retryAfterMs : Math.min(4000, 250 * 2 ** (attempt - 1));
}

export async function pause(http: HubHttp, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await http.clock.sleep(Math.max(0, ms), signal);
  } catch (reason) {
    throw new CancelledError('the Hub request was aborted while waiting', { cause: reason });
  }
}

export function withCause<T extends Error>(error: T, cause: unknown): T {
  Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  return error;
}
