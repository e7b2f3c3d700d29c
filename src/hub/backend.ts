/**
 * KNIME Business Hub backend: ad hoc jobs and deployment jobs, execution, status, cancel, discard,
 * outputs and downloads behind the same contract as the Server backend. Job-creating and executing
 * requests are never repeated blindly: a lost response is reconciled against the Hub's view first.
 */
import {
  InvalidInputError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import type {
  Backend,
  CallOptions,
  JobListFilter,
  JobSnapshot,
  OneShotMode,
  PreparedInputs,
  RepositoryEntry,
  ResourceStream,
  WorkflowDescription,
} from '../job/types.js';
import { buildMultipart, needsMultipart } from '../server/multipart.js';
import { redactUrl } from '../transport/redact.js';
import {
  asMissingItemError,
  createHubJob,
  isLostResponse,
  pause,
  type ResolvedTarget,
  rateLimitDelay,
  withCause,
} from './create.js';
import { HubDirectory, type ListDeploymentsOptions, type ListExecutionContextsOptions } from './directory.js';
import { encodeSegment, type HubHttp } from './http.js';
import { describeHubOpenApi } from './openapi.js';
import { type HubDeployment, type HubExecutionContext, parseHubJob } from './parse.js';
import { type HubTargetOptions, parseHubTarget } from './target.js';
import { parseWire, repositoryItemSchema, type WireRepositoryItem } from './wire.js';

/** Options of the Hub backend, given as `hub` in the client options. */
export interface HubBackendOptions extends HubTargetOptions {
  /**
   * List the workflow's or deployment's jobs before a job is created, so that a lost creation
   * response can be reconciled without creating a duplicate.
   * @default true
   */
  reconcileCreate?: boolean;
  /**
   * Attempts of a job-creating or executing request whose response was lost and whose
   * reconciliation showed that it did not land.
   * @default 5
   */
  maxUnlandedAttempts?: number;
  /**
   * Time a new job may take to load, including time spent waiting for room in its execution
   * context, in milliseconds. Sent to the Hub as the creation `timeout`. A `loadTimeoutMs` given
   * to `start` or `run` wins.
   * @default 60000
   */
  loadTimeoutMs?: number;
  /**
   * Time during which a job created with asynchronous loading may return HTTP 404 before the
   * client reports it as never visible, in milliseconds.
   * @default 30000
   */
  visibilityGraceMs?: number;
  /** Value of the `KNIME-Created-By` header, stored as the job's `createdBy`. @default 'knimectl' */
  createdBy?: string;
}

/** Options the client passes through to `createJob`. */
interface CreateJobOptions extends CallOptions {
  loadTimeoutMs?: number;
}

/** Margin added to a synchronous call's server-side `timeout` for the HTTP request, in milliseconds. */
const SYNC_REQUEST_MARGIN_MS = 15_000;
/** Workflow states of a job that began executing without an execute request. */
const AUTO_EXECUTED_STATES: ReadonlySet<string> = new Set([
  'EXECUTING',
  'EXECUTED',
  'EXECUTION_FINISHED',
  'EXECUTION_FAILED',
  'EXECUTION_FAILED_WITH_CONTENT',
  'EXECUTION_CANCELLED',
  'INTERACTION_REQUIRED',
]);
/** States of a loaded job that has not been executed. */
const READY_STATES: ReadonlySet<string> = new Set(['IDLE', 'CONFIGURED']);

export class HubBackend implements Backend {
  readonly kind = 'hub' as const;
  readonly baseUrl: string;
  readonly directory: HubDirectory;
  readonly #http: HubHttp;
  readonly #options: Required<Omit<HubBackendOptions, keyof HubTargetOptions>>;
  readonly #defaults: HubTargetOptions;
  /** Job ids this client created or adopted, so that reconciliation never adopts one twice. */
  readonly #claimed = new Set<string>();

  /** @throws InvalidInputError when a default target option is invalid */
  constructor(http: HubHttp, options: HubBackendOptions = {}) {
    this.#http = http;
    this.baseUrl = redactUrl(http.apiRoot).replace(/\/+$/, '');
    this.directory = new HubDirectory(http);
    this.#defaults = {
      ...(options.itemVersion === undefined ? {} : { itemVersion: options.itemVersion }),
      ...(options.executionContext === undefined ? {} : { executionContext: options.executionContext }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
    };
    parseHubTarget('*check', this.#defaults);
    this.#options = {
      reconcileCreate: options.reconcileCreate ?? true,
      maxUnlandedAttempts: options.maxUnlandedAttempts ?? 5,
      loadTimeoutMs: options.loadTimeoutMs ?? 60_000,
      visibilityGraceMs: options.visibilityGraceMs ?? 30_000,
      createdBy: options.createdBy ?? 'knimectl',
    };
  }

  async validate(options: CallOptions = {}): Promise<void> {
    try {
      await this.directory.identity(options.signal);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ProtocolError) {
        throw new ProtocolError(
          `${this.baseUrl} did not respond like a KNIME Business Hub API (GET /accounts/identity: ${error.message}). ` +
            'Give the API root, such as https://api.<hub-host>/, not the web UI address.',
          { request: error.request, status: error.status, body: error.body, cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Lists the repository below `path`: a path such as `/Users/<account>/<space>`, or an item id.
   * `/` lists the spaces of the caller's own account (`/Users/<caller name>`).
   */
  async listRepository(
    path: string,
    options: CallOptions & { deep?: boolean } = {},
  ): Promise<RepositoryEntry[]> {
    let itemPath = path;
    if (path === '/' || path === '') {
      const identity = await this.directory.identity(options.signal);
      itemPath = `/Users/${identity.name ?? identity.id}`;
    }
    const response = await this.#http.request({
      method: 'GET',
      path: `/repository${encodeItem(itemPath)}`,
      query: { deep: options.deep === false ? undefined : true },
      idempotent: true,
      signal: options.signal,
    });
    const parsed = parseWire(repositoryItemSchema, response.data);
    if (!parsed.ok) {
      throw new ProtocolError(`GET ${response.url} returned no repository item: ${parsed.issue}`, {
        request: { method: 'GET', url: response.url },
      });
    }
    const entries: RepositoryEntry[] = [];
    const visit = (item: WireRepositoryItem, depth: number) => {
      if (depth > 0 && item.path !== undefined) {
        entries.push({ path: item.path, type: item.type ?? 'unknown', owner: item.owner });
      }
      for (const child of item.children ?? []) visit(child, depth + 1);
    };
    visit(parsed.value, 0);
    return entries;
  }

  async describeWorkflow(workflow: string, options: CallOptions = {}): Promise<WorkflowDescription> {
    const target = await this.resolveTarget(workflow, options.signal);
    if (target.kind === 'deployment') {
      const response = await this.#http.request({
        method: 'GET',
        path: `/deployments/${encodeSegment(target.deployment.id)}/open-api`,
        idempotent: true,
        signal: options.signal,
      });
      return describeHubOpenApi(workflow, response.data);
    }
    const response = await this.#http
      .request({
        method: 'GET',
        path: '/jobs/open-api',
        query: { workflowUri: target.workflowUri, itemVersion: target.itemVersion },
        idempotent: true,
        signal: options.signal,
      })
      .catch((error: unknown) => {
        throw asMissingItemError(target, error) ?? error;
      });
    return describeHubOpenApi(workflow, response.data);
  }

  /**
   * Resolves a target string (see `parseHubTarget`), looking deployment names up by name.
   * @throws InvalidInputError for a malformed target, NotFoundError for an unknown deployment name
   */
  async resolveTarget(workflow: string, signal?: AbortSignal): Promise<ResolvedTarget> {
    const target = parseHubTarget(workflow, this.#defaults);
    const label = workflow;
    if (target.kind === 'workflow') {
      return {
        kind: 'workflow',
        workflowUri: target.workflowUri,
        ...(target.itemVersion === undefined ? {} : { itemVersion: String(target.itemVersion) }),
        ...(target.executionContext === undefined ? {} : { executionContext: target.executionContext }),
        label,
      };
    }
    const deployment =
      target.kind === 'deployment'
        ? await this.directory.deployment(target.id, signal)
        : await this.directory.deploymentByName(target.name, target.scope, signal);
    return { kind: 'deployment', deployment, label };
  }

  async createJob(workflow: string, options: CreateJobOptions = {}): Promise<JobSnapshot> {
    const target = await this.resolveTarget(workflow, options.signal);
    const job = await createHubJob(
      {
        http: this.#http,
        directory: this.directory,
        settings: this.#options,
        claimed: this.#claimed,
        getJob: (jobId, signal) => this.getJob(jobId, { signal }),
        listJobsOf: (resolved, signal) => this.#listJobsOf(resolved, signal),
        discardJob: (jobId) => this.discardJob(jobId),
      },
      target,
      options,
    );
    if (
      target.kind === 'deployment' &&
      (job.startedAt !== undefined || AUTO_EXECUTED_STATES.has(job.state))
    ) {
      // NOTE: sources disagree on whether a Hub executes deployment jobs on creation. Such a job
      // ran without the caller's inputs, so the client reports it instead of waiting on it.
      throw new InvalidInputError(
        `deployment ${target.deployment.id} executed job ${job.id} as soon as it was created (state ${job.state}), ` +
          'with its default inputs. Run this deployment with execute() (knimectl run --once) instead, and cancel ' +
          `or discard job ${job.id} if it should not finish`,
        { jobId: job.id },
      );
    }
    return job;
  }

  async executeJob(
    jobId: string,
    inputs: PreparedInputs,
    options: CallOptions & { knownState?: JobSnapshot } = {},
  ): Promise<JobSnapshot | undefined> {
    const path = jobPath(jobId);
    const before = options.knownState ?? (await this.getJob(jobId, options));
    if (!READY_STATES.has(before.state)) {
      throw new InvalidInputError(
        `job ${jobId} is in state ${before.state}${before.jobState ? ` (jobState ${before.jobState})` : ''} and ` +
          'cannot be executed; only a loaded job in IDLE or CONFIGURED can',
        { jobId },
      );
    }

    this.#http.logger.info('executing Hub job', {
      jobId,
      async: true,
      reset: false,
      inputs: Object.keys(inputs.json),
      files: Object.keys(inputs.files),
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        const body = needsMultipart(inputs) ? await buildMultipart(inputs) : undefined;
        const response = await this.#http.request({
          method: 'POST',
          path,
          query: { async: true },
          json: body ? undefined : inputs.json,
          body,
          idempotent: false,
          signal: options.signal,
        });
        if (response.data === null || typeof response.data !== 'object') return undefined;
        let started: JobSnapshot;
        try {
          started = parseHubJob(response.data, { method: 'POST', url: response.url }, jobId);
        } catch {
          return undefined;
        }
        // A Hub may return the job as it was before the start. Its IDLE would read as "left
        // unconfigured after the execute request" in `lastStatus`, so such a reply is ignored and
        // the next poll reads the real state.
        if (READY_STATES.has(started.state) && started.startedAt === undefined) return undefined;
        return started;
      } catch (error) {
        const retryAfterMs = rateLimitDelay(error, attempt);
        if (retryAfterMs !== undefined && attempt < this.#options.maxUnlandedAttempts) {
          this.#http.logger.warn('execute request was rate limited (HTTP 429); sending it again', {
            jobId,
            attempt,
            delayMs: retryAfterMs,
          });
          await pause(this.#http, retryAfterMs, options.signal);
          continue;
        }
        if (!isLostResponse(error)) throw error;

        // The request may have reached the Hub. A job that left its ready state, or has an
        // execution start time, was executed and must not be executed again.
        const now = await this.getJob(jobId, options);
        if (now.state !== before.state || now.startedAt !== undefined) {
          this.#http.logger.warn('execute response was lost, but the job started; not sending it again', {
            jobId,
            state: now.state,
          });
          return now;
        }
        if (attempt >= this.#options.maxUnlandedAttempts) throw error;
        this.#http.logger.warn('execute request did not reach the Hub; sending it again', {
          jobId,
          attempt,
          reason: (error as Error).message,
        });
        await pause(this.#http, Math.min(4000, 250 * 2 ** (attempt - 1)), options.signal);
      }
    }
  }

  async getJob(jobId: string, options: CallOptions = {}): Promise<JobSnapshot> {
    const response = await this.#http.request({
      method: 'GET',
      path: jobPath(jobId),
      idempotent: true,
      signal: options.signal,
    });
    return parseHubJob(response.data, { method: 'GET', url: response.url }, jobId);
  }

  /** Lists jobs of a target (workflow path, item id or deployment), or every visible job. */
  async listJobs(filter: JobListFilter = {}): Promise<JobSnapshot[]> {
    if (filter.workflow !== undefined) {
      return this.#listJobsOf(await this.resolveTarget(filter.workflow, filter.signal), filter.signal);
    }
    return this.#readJobList('/jobs', {}, filter.signal);
  }

  async #listJobsOf(target: ResolvedTarget, signal?: AbortSignal): Promise<JobSnapshot[]> {
    if (target.kind === 'deployment') {
      return this.#readJobList(`/deployments/${encodeSegment(target.deployment.id)}/jobs`, {}, signal);
    }
    return this.#readJobList('/jobs', { workflowUri: target.workflowUri }, signal);
  }

  async #readJobList(
    path: string,
    query: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<JobSnapshot[]> {
    const items = await this.#http.list(path, 'jobs', { query, signal });
    const url = `${this.baseUrl}${path}`;
    return items.map((item) => parseHubJob(item, { method: 'GET', url }));
  }

  async cancelJob(jobId: string, options: CallOptions = {}): Promise<void> {
    await this.#http.request({
      method: 'DELETE',
      path: jobPath(jobId, '/execution'),
      idempotent: true,
      responseType: 'none',
      signal: options.signal,
    });
  }

  async discardJob(jobId: string, options: CallOptions = {}): Promise<'discarded' | 'already-gone'> {
    const response = await this.#http.request({
      method: 'DELETE',
      path: jobPath(jobId),
      idempotent: true,
      passStatuses: [404, 410],
      responseType: 'none',
      signal: options.signal,
    });
    return response.status === 404 || response.status === 410 ? 'already-gone' : 'discarded';
  }

  async listOutputResources(jobId: string, options: CallOptions = {}): Promise<string[]> {
    return (await this.getJob(jobId, options)).outputResources ?? [];
  }

  /**
   * Opens an output resource. A redirect to object storage is followed without the Hub's
   * credentials when it leads to another origin.
   */
  async openOutputResource(
    jobId: string,
    name: string,
    options: CallOptions & { accept?: string } = {},
  ): Promise<ResourceStream> {
    const response = await this.#http.request({
      method: 'GET',
      path: jobPath(jobId, `/output-resources/${encodeURIComponent(name)}`),
      accept: options.accept ?? '*/*',
      idempotent: true,
      // A redirect that reaches this point could not be followed; it is reported below.
      passStatuses: [301, 302, 303, 307, 308],
      responseType: 'stream',
      signal: options.signal,
    });
    if (response.status >= 300) {
      throw new ProtocolError(
        `GET ${response.url} returned HTTP ${response.status} with a redirect the client could not follow ` +
          `(location ${redactUrl(response.headers.get('location') ?? 'missing')})`,
        { request: { method: 'GET', url: response.url }, status: response.status, jobId },
      );
    }
    const length = response.headers.get('content-length');
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename =
      /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    return {
      body: response.body ?? new ReadableStream({ start: (controller) => controller.close() }),
      contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : undefined,
      contentType: response.headers.get('content-type') ?? undefined,
      filename: filename ? safeDecode(filename) : undefined,
      url: response.url,
    };
  }

  /**
   * Runs a workflow or deployment in one synchronous call (`POST /execution` or
   * `POST /deployments/{id}/execution` with `keepJob=false`), so the Hub discards the job itself.
   * Never repeated: a lost response leaves the outcome open and is reported as such.
   */
  async executeOnce(
    workflow: string,
    inputs: PreparedInputs,
    options: CallOptions & { mode: OneShotMode; timeoutMs: number },
  ): Promise<JobSnapshot> {
    if (options.mode !== 'execution') {
      throw new InvalidInputError(
        `one-shot mode "${options.mode}" exists only on KNIME Server; a Hub runs one-shot calls with mode "execution"`,
      );
    }
    const target = await this.resolveTarget(workflow, options.signal);
    const body = needsMultipart(inputs) ? await buildMultipart(inputs) : undefined;
    const request =
      target.kind === 'deployment'
        ? {
            path: `/deployments/${encodeSegment(target.deployment.id)}/execution`,
            query: { timeout: options.timeoutMs, keepJob: false },
          }
        : {
            path: '/execution',
            query: {
              workflowUri: target.workflowUri,
              itemVersion: target.itemVersion,
              executionContext: target.executionContext,
              timeout: options.timeoutMs,
            },
          };

    let response: Awaited<ReturnType<HubHttp['request']>>;
    try {
      response = await this.#http.request({
        method: 'POST',
        ...request,
        json: body ? undefined : inputs.json,
        body,
        idempotent: false,
        timeoutMs: options.timeoutMs + SYNC_REQUEST_MARGIN_MS,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof ServerError && error.status === 504) {
        throw new TimeoutError(
          `${error.message}. The Hub-side timeout of ${options.timeoutMs} ms ran out, and the Hub cancels the ` +
            'job of a one-shot call then; use a job (start, then wait) for long runs.',
          {
            request: error.request,
            status: 504,
            clock: 'execution',
            limitMs: options.timeoutMs,
            cause: error,
          },
        );
      }
      if (isLostResponse(error)) {
        const request = (error as ServerError).request;
        throw withCause(
          new NetworkError(
            `${request?.method ?? 'POST'} ${request?.url ?? workflow} lost its response; the workflow may or may not have run, ` +
              'and the call was not repeated',
            { request },
          ),
          error,
        );
      }
      throw error;
    }
    return parseHubJob(response.data, { method: 'POST', url: response.url }, '');
  }

  /** Deployments of a scope (team name or account id), or of every team of the caller. */
  listDeployments(options: ListDeploymentsOptions = {}): Promise<HubDeployment[]> {
    return this.directory.listDeployments(options);
  }

  /** Execution contexts of a scope, or every visible one, with their capacity. */
  listExecutionContexts(options: ListExecutionContextsOptions = {}): Promise<HubExecutionContext[]> {
    return this.directory.listExecutionContexts(options);
  }
}

/** Path of a job below the API root. */
function jobPath(jobId: string, rest = ''): string {
  return `/jobs/${encodeURIComponent(jobId)}${rest}`;
}

/**
 * Repository path of an item: an item id as `/*<id>`, a path encoded segment by segment (a space
 * as `%20`, `#`, `%`, `+` and `&` encoded once).
 */
function encodeItem(item: string): string {
  if (item.startsWith('*')) return `/${item}`;
  if (!item.startsWith('/')) {
    throw new InvalidInputError(
      `invalid repository path "${item}": give an absolute path such as /Users/<account>/<space>, or an item id such as *Ab3dEf6hIj9kLm2n`,
    );
  }
  return item
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
