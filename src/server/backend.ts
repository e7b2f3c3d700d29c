/**
 * KNIME Server REST API v4 backend: repository, workflow descriptions, jobs, downloads and
 * one-shot executions. Job-creating and executing requests are never retried blindly: a lost
 * response is reconciled against the server's view before anything is sent again.
 */
import {
  CancelledError,
  InvalidInputError,
  type KnimeError,
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
import type { HttpClient } from '../transport/http.js';
import { redactUrl } from '../transport/redact.js';
import { buildMultipart, needsMultipart } from './multipart.js';
import { checkOpenApiDocument, describeFromOpenApi } from './openapi.js';
import { jobIdFromLocation, parseJob, parseJobList } from './parse.js';
import { jobPath, repositoryPath } from './paths.js';
import { DEFAULT_CLOCK_SKEW_TOLERANCE_MS, findCreatedJobs, READY_STATES } from './reconcile.js';

/** Options of the Server backend. */
export interface ServerBackendOptions {
  /**
   * Path of the cancel request below `/jobs/{id}`. KNIME Server documents no cancel endpoint; the
   * Business Hub path `DELETE /jobs/{id}/execution` is the default guess. `false` turns cancel off,
   * and `cancel()` then reports that the server cannot cancel.
   * @default '/execution'
   */
  cancelPath?: string | false;
  /**
   * Reconcile a lost or ambiguous creation response by listing the workflow's jobs and adopting
   * the job the request may have created. When false, such a response is thrown to the caller.
   * @default true
   */
  reconcileCreate?: boolean;
  /**
   * Allowed difference between the client clock and the server clock, in milliseconds. During
   * reconciliation a job created earlier than the lost request's start minus this tolerance is
   * never adopted. Five minutes covers servers without time synchronisation, and adopting a
   * younger unexecuted job of the same workflow is harmless.
   * @default 300000
   */
  clockSkewToleranceMs?: number;
  /**
   * Attempts of a job-creating or executing request whose response was lost and whose
   * reconciliation showed that it did not land.
   * @default 5
   */
  maxUnlandedAttempts?: number;
  /** User name of the credentials, used to narrow reconciliation to this user's jobs. */
  username?: string;
}

/** Margin added to a synchronous call's server-side `timeout` for the HTTP request, in milliseconds. */
const SYNC_REQUEST_MARGIN_MS = 15_000;

export class ServerBackend implements Backend {
  readonly kind = 'server' as const;
  readonly baseUrl: string;
  readonly #http: HttpClient;
  readonly #options: Required<Omit<ServerBackendOptions, 'username'>> & { username?: string };
  /** Job ids this client created or adopted, so that reconciliation never adopts one twice. */
  readonly #known = new Set<string>();

  constructor(http: HttpClient, options: ServerBackendOptions = {}) {
    this.#http = http;
    this.baseUrl = redactUrl(http.restRoot);
    this.#options = {
      cancelPath: options.cancelPath ?? '/execution',
      reconcileCreate: options.reconcileCreate ?? true,
      maxUnlandedAttempts: options.maxUnlandedAttempts ?? 5,
      clockSkewToleranceMs: options.clockSkewToleranceMs ?? DEFAULT_CLOCK_SKEW_TOLERANCE_MS,
      username: options.username,
    };
    const tolerance = this.#options.clockSkewToleranceMs;
    if (!Number.isFinite(tolerance) || tolerance < 0) {
      throw new InvalidInputError(
        `server option clockSkewToleranceMs is ${tolerance}; give a finite number of milliseconds, 0 or more`,
      );
    }
  }

  async validate(options: CallOptions = {}): Promise<void> {
    const path = repositoryPath('/');
    const url = redactUrl(this.#http.url(path));
    let data: unknown;
    try {
      ({ data } = await this.#http.request({
        method: 'GET',
        path,
        idempotent: true,
        signal: options.signal,
      }));
    } catch (error) {
      if (
        error instanceof NotFoundError ||
        (error instanceof ProtocolError && !error.request?.url.endsWith('/jwt'))
      ) {
        const detail = error.body ? `: ${error.body}` : '';
        throw new ProtocolError(
          `${this.baseUrl} did not answer like a KNIME Server REST API (GET ${url} returned ` +
            `${error.status === undefined ? 'an unusable body' : `HTTP ${error.status}`}${detail}). ` +
            'Give the server context root, such as http://127.0.0.1:8080/knime, /webportal or ' +
            '/com.knime.enterprise.server, or the full REST root ending in /rest/v4.',
          { request: error.request, status: error.status, body: error.body, cause: error },
        );
      }
      throw error;
    }
    const item = data as Record<string, unknown> | null;
    if (!item || typeof item !== 'object' || !('path' in item || 'children' in item || '@controls' in item)) {
      throw new ProtocolError(
        `${this.baseUrl} did not answer like a KNIME Server REST API: GET ${url} returned JSON without a ` +
          'repository item (no "path", "children" or "@controls")',
        { request: { method: 'GET', url } },
      );
    }
  }

  async listRepository(
    path: string,
    options: CallOptions & { deep?: boolean } = {},
  ): Promise<RepositoryEntry[]> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: repositoryPath(path),
      query: { deep: options.deep === false ? undefined : true },
      idempotent: true,
      signal: options.signal,
    });
    const entries: RepositoryEntry[] = [];
    const visit = (item: unknown) => {
      if (!item || typeof item !== 'object') return;
      const record = item as Record<string, unknown>;
      if (typeof record.path === 'string' && record.path !== path) {
        entries.push({
          path: record.path,
          type: typeof record.type === 'string' ? record.type : 'unknown',
          owner: typeof record.owner === 'string' ? record.owner : undefined,
        });
      }
      if (Array.isArray(record.children)) for (const child of record.children) visit(child);
    };
    visit(data);
    return entries;
  }

  async describeWorkflow(workflow: string, options: CallOptions = {}): Promise<WorkflowDescription> {
    const response = await this.#http.request({
      method: 'GET',
      path: repositoryPath(workflow, 'openapi'),
      idempotent: true,
      signal: options.signal,
    });
    checkOpenApiDocument(response.data, { method: 'GET', url: response.url });
    return describeFromOpenApi(workflow, response.data);
  }

  /**
   * Creates a job. Nothing is listed before the request and creations run in parallel, so a
   * fan-out costs one request per job. Only after a lost or ambiguous response (connection
   * failure, request timeout, HTTP 500, 502, 503 or 504) does the client list the workflow's jobs
   * and adopt one that the request may have created: a job this client does not know yet, owned by
   * its user, created no earlier than the request's start minus `clockSkewToleranceMs`, and not
   * yet executed. The creation is sent again only when no such job exists.
   *
   * Parallel lost creations of this client may adopt each other's fresh jobs. That is harmless:
   * those jobs belong to the same workflow and none has executed, so they are interchangeable, and
   * every job id goes to one caller only. A caller whose 201 names a job that a lost creation
   * already adopted reconciles in turn and takes the job that the lost creation left behind.
   *
   * NOTE: another client of the same user creating a job of the same workflow at that moment can
   * still be mistaken for the lost creation. Its execute request then finds the job no longer
   * ready and fails, so no job runs twice.
   */
  async createJob(workflow: string, options: CallOptions = {}): Promise<JobSnapshot> {
    const path = repositoryPath(workflow, 'jobs');

    for (let attempt = 1; ; attempt += 1) {
      const startedAt = this.#http.clock.now();
      let failure: unknown;
      try {
        const job = await this.#postCreation(path, options.signal);
        if (!this.#known.has(job.id)) {
          this.#known.add(job.id);
          return job;
        }
        // A parallel lost creation of this client adopted this job before its 201 arrived, so
        // this caller takes the job that the lost creation left behind, if there is one.
        this.#http.logger.warn('created job was already adopted by a lost creation; reconciling', {
          workflow,
          jobId: job.id,
        });
        const url = redactUrl(this.#http.url(path));
        failure = new NetworkError(
          `POST ${url} created job ${job.id}, which a parallel lost creation of this client had already adopted`,
          { request: { method: 'POST', url }, jobId: job.id },
        );
      } catch (error) {
        if (!isOutcomeUnknown(error) || !this.#options.reconcileCreate) throw error;
        failure = error;
      }

      const after = await this.listJobs({ workflow, signal: options.signal });
      const candidates = findCreatedJobs(after, {
        known: this.#known,
        startedAt,
        clockSkewToleranceMs: this.#options.clockSkewToleranceMs,
        username: this.#options.username,
      });
      const adopted = candidates[0];
      if (adopted) {
        this.#known.add(adopted.id);
        this.#http.logger.warn('job creation response was lost; adopted an unexecuted job of the workflow', {
          workflow,
          jobId: adopted.id,
          candidates: candidates.length,
        });
        return adopted;
      }

      if (attempt >= this.#options.maxUnlandedAttempts) throw failure;
      this.#http.logger.warn('job creation did not reach the server; sending it again', {
        workflow,
        attempt,
        reason: (failure as Error).message,
      });
      await this.#pauseBeforeResend(attempt, options.signal);
    }
  }

  /** Sends `POST {wf}:jobs` once and reads the created job from its 201 response. */
  async #postCreation(path: string, signal: AbortSignal | undefined): Promise<JobSnapshot> {
    const response = await this.#http.request({ method: 'POST', path, idempotent: false, signal });
    const request = { method: 'POST', url: response.url };
    if (response.status !== 201) {
      throw new ProtocolError(
        `POST ${response.url} returned HTTP ${response.status} instead of 201 Created; no job id to continue with`,
        { request, status: response.status },
      );
    }
    const fromLocation = jobIdFromLocation(response.headers.get('location'));
    const job = parseJob(response.data, request, fromLocation);
    if (fromLocation && fromLocation !== job.id) {
      throw new ProtocolError(
        `POST ${response.url} returned job id ${job.id} in the body but ${fromLocation} in the Location header`,
        { request, jobId: job.id },
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
        `job ${jobId} is in state ${before.state} and cannot be executed; only a loaded job in IDLE or CONFIGURED can`,
        { jobId },
      );
    }

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
        try {
          return parseJob(response.data, { method: 'POST', url: response.url }, jobId);
        } catch {
          return undefined;
        }
      } catch (error) {
        if (!isOutcomeUnknown(error)) throw error;

        // The request may have reached the server. If the job left its ready state or has an
        // execution start time, the execution landed and must not be sent again.
        const now = await this.getJob(jobId, options);
        if (now.state !== before.state || now.startedAt !== undefined) {
          this.#http.logger.warn('execute response was lost, but the job started; not sending it again', {
            jobId,
            state: now.state,
          });
          return now;
        }
        if (attempt >= this.#options.maxUnlandedAttempts) throw error;
        this.#http.logger.warn('execute request did not reach the server; sending it again', {
          jobId,
          attempt,
          reason: (error as Error).message,
        });
        await this.#pauseBeforeResend(attempt, options.signal);
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
    return parseJob(response.data, { method: 'GET', url: response.url }, jobId);
  }

  async listJobs(filter: JobListFilter = {}): Promise<JobSnapshot[]> {
    const path = filter.workflow ? repositoryPath(filter.workflow, 'jobs') : '/jobs';
    const response = await this.#http.request({
      method: 'GET',
      path,
      idempotent: true,
      signal: filter.signal,
    });
    return parseJobList(response.data, { method: 'GET', url: response.url });
  }

  async cancelJob(jobId: string, options: CallOptions = {}): Promise<void> {
    const cancelPath = this.#options.cancelPath;
    if (cancelPath === false) {
      throw new ProtocolError(
        `cancel of job ${jobId} is turned off for ${this.baseUrl} (cancelPath: false)`,
        {
          jobId,
        },
      );
    }
    const response = await this.#http.request({
      method: 'DELETE',
      path: jobPath(jobId, cancelPath),
      idempotent: true,
      passStatuses: [404, 405],
      signal: options.signal,
    });
    if (response.status === 404 || response.status === 405) {
      // Either the job is gone, or the server has no such cancel endpoint.
      await this.getJob(jobId, options);
      throw new ProtocolError(
        `DELETE ${response.url} returned HTTP ${response.status}: this server offers no cancel endpoint ` +
          `at ${cancelPath}; discard job ${jobId} to stop it`,
        { jobId, status: response.status, request: { method: 'DELETE', url: response.url } },
      );
    }
  }

  async discardJob(jobId: string, options: CallOptions = {}): Promise<'discarded' | 'already-gone'> {
    const response = await this.#http.request({
      method: 'DELETE',
      path: jobPath(jobId),
      idempotent: true,
      passStatuses: [404, 410],
      signal: options.signal,
    });
    return response.status === 404 || response.status === 410 ? 'already-gone' : 'discarded';
  }

  async listOutputResources(jobId: string, options: CallOptions = {}): Promise<string[]> {
    const job = await this.getJob(jobId, options);
    if (job.outputResources !== undefined) return job.outputResources;

    // KNIME Server lists no output resources on the job. The workflow summary names the job's
    // nodes; Container Output (File) nodes there carry the resource's parameter name.
    // NOTE: the summary's JSON schema is not public; this reads `nodes[]` entries with
    // `kind: "output-resource"` or a Container Output (File) node name, and `parameterName`.
    const response = await this.#http.request({
      method: 'GET',
      path: jobPath(jobId, '/workflow-summary'),
      query: { format: 'JSON' },
      idempotent: true,
      signal: options.signal,
    });
    const names = new Set<string>();
    const visit = (value: unknown, depth: number) => {
      if (depth > 20 || value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        for (const item of value) visit(item, depth + 1);
        return;
      }
      const record = value as Record<string, unknown>;
      const isOutputFile =
        record.kind === 'output-resource' ||
        (typeof record.name === 'string' && /Container Output \(File\)/.test(record.name));
      if (isOutputFile && typeof record.parameterName === 'string') names.add(record.parameterName);
      for (const child of Object.values(record)) visit(child, depth + 1);
    };
    visit(response.data, 0);
    return [...names];
  }

  async openOutputResource(
    jobId: string,
    name: string,
    options: CallOptions & { accept?: string } = {},
  ): Promise<ResourceStream> {
    const response = await this.#http.request({
      method: 'GET',
      path: jobPath(jobId, `/output-resources/${encodeURIComponent(name)}`),
      accept: options.accept ?? 'application/octet-stream',
      idempotent: true,
      responseType: 'stream',
      signal: options.signal,
    });
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

  async executeOnce(
    workflow: string,
    inputs: PreparedInputs,
    options: CallOptions & { mode: OneShotMode; timeoutMs: number },
  ): Promise<JobSnapshot> {
    const body = needsMultipart(inputs) ? await buildMultipart(inputs) : undefined;
    const path = repositoryPath(workflow, options.mode);
    let response: Awaited<ReturnType<HttpClient['request']>>;
    try {
      response = await this.#http.request({
        method: 'POST',
        path,
        query: { timeout: options.timeoutMs, reset: options.mode === 'execution' ? true : undefined },
        json: body ? undefined : inputs.json,
        body,
        idempotent: false,
        timeoutMs: options.timeoutMs + SYNC_REQUEST_MARGIN_MS,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof ServerError && error.status === 504) {
        throw new TimeoutError(
          `${error.request?.method} ${error.request?.url} returned HTTP 504: the server-side timeout of ` +
            `${options.timeoutMs} ms ran out. The job may still be running on the server and its id is ` +
            'unknown; use a job (start, then wait) for long runs.',
          {
            request: error.request,
            status: 504,
            clock: 'execution',
            limitMs: options.timeoutMs,
            cause: error,
          },
        );
      }
      // 503 means no executor took the call, so only the other lost responses leave the outcome open.
      if (isLostResponse(error) && !(error instanceof ServerError && error.status === 503)) {
        throw attachCause(
          new NetworkError(
            `${(error as KnimeError).request?.method ?? 'POST'} ${(error as KnimeError).request?.url ?? path} ` +
              'lost its response; the workflow may or may not have run, and the call was not repeated',
            { request: (error as KnimeError).request },
          ),
          error,
        );
      }
      throw error;
    }

    const request = { method: 'POST', url: response.url };
    const record = (response.data ?? {}) as Record<string, unknown>;
    if (typeof record !== 'object')
      throw new ProtocolError(`POST ${response.url} returned no JSON object`, { request });
    // NOTE: which fields besides `outputValues` a one-shot response carries is undocumented. Without
    // `state`, HTTP 200 is taken as a finished run, as the public clients of this endpoint do.
    const withState = typeof record.state === 'string' ? record : { ...record, state: 'EXECUTION_FINISHED' };
    return parseJob(withState, request, typeof record.id === 'string' ? record.id : '');
  }

  /** Back-off before a request that reconciliation showed did not land is sent again. */
  async #pauseBeforeResend(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#http.clock.sleep(Math.min(4000, 250 * 2 ** (attempt - 1)), signal);
    } catch (reason) {
      throw new CancelledError('request was aborted while waiting to send it again', { cause: reason });
    }
  }
}

/**
 * Whether a job creation or execute request that failed this way may still have been carried out:
 * a lost response, or HTTP 500, which a server can send after it created or started the job and
 * failed later in the request. Such a failure is reconciled before anything is sent again.
 */
function isOutcomeUnknown(error: unknown): boolean {
  return isLostResponse(error) || (error instanceof ServerError && error.status === 500);
}

/**
 * Whether a failed non-idempotent request may have been carried out by the server: connection
 * failures, per-request timeouts, and gateway responses (502, 503, 504) from a proxy in front of it.
 */
function isLostResponse(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof TimeoutError && error.clock === 'request') return true;
  return (
    error instanceof ServerError && (error.status === 502 || error.status === 503 || error.status === 504)
  );
}

function attachCause<T extends Error>(error: T, cause: unknown): T {
  Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  return error;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
