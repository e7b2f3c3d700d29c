/**
 * `createClient`: wires transport, backend and job handles together, and implements `start`,
 * `run`, `execute` and the listings on top of the backend contract.
 */
import {
  CancelledError,
  InvalidInputError,
  JobFailedError,
  KnimeError,
  TimeoutError,
} from '../errors/index.js';
import { createHubBackend, type HttpFactory, inferProductKind, resolveHubUrl } from '../hub/connect.js';
import { DetectingBackend, detectProduct } from '../hub/detect.js';
import { ServerBackend } from '../server/backend.js';
import { resolveServerUrl } from '../server/paths.js';
import { Authenticator } from '../transport/auth.js';
import { systemClock } from '../transport/clock.js';
import { HttpClient } from '../transport/http.js';
import { createSafeLogger, silentLogger } from '../transport/logger.js';
import { resolveRetryOptions } from '../transport/retry.js';
import { createTlsFetch } from '../transport/tls.js';
import type { Auth, Clock, Logger } from '../transport/types.js';
import type {
  ExecuteOnceOptions,
  JobHandle,
  KnimeClient,
  RunOptions,
  RunResult,
  StartOptions,
} from './api.js';
import type { ClientOptions } from './client-options.js';
import { type HandleContext, RemoteJobHandle } from './handle.js';
import { prepareInputs } from './inputs.js';
import type { DiscardPolicy } from './options.js';
import { toStatus } from './states.js';
import type {
  Backend,
  CallOptions,
  Inputs,
  JobListFilter,
  JobSnapshot,
  JobStatus,
  WorkflowDescription,
} from './types.js';
import { checkPollOptions, checkWaitOptions } from './wait-options.js';

/**
 * Creates a client of one KNIME Server or KNIME Business Hub (see `ClientOptions.kind`). Sends no
 * request; the URL is validated, and an undecided product detected, before the first request that
 * needs it.
 * @throws InvalidInputError when the URL is not an absolute http(s) URL
 */
export function createClient(options: ClientOptions): KnimeClient {
  const kind = options.kind ?? inferProductKind(options.url, options.auth);
  if (kind !== 'server') return createHubClient(options, kind);
  const url = resolveServerUrl(options.url);
  let auth: Auth | undefined = options.auth;
  if (!auth && url.username !== undefined) {
    auth = { type: 'basic', username: url.username, password: url.password ?? '' };
  }

  const transport = createTransport(url.restRoot, { ...options, auth });
  const username = auth && auth.type !== 'bearer' ? auth.username : undefined;
  const backend = new ServerBackend(transport.http, { ...options.server, username });
  return clientFromBackend(backend, options, transport);
}

/**
 * Client of a KNIME Business Hub, or of a URL whose product is detected before the first call
 * (see `detectProduct`).
 */
function createHubClient(options: ClientOptions, kind: 'hub' | 'auto'): KnimeClient {
  const url = resolveHubUrl(options.url);
  let auth: Auth | undefined = options.auth;
  if (!auth && url.username !== undefined) {
    auth = { type: 'basic', username: url.username, password: url.password ?? '' };
  }
  const shared = { ...options, auth };
  const makeHttp: HttpFactory = (restRoot, wrap) =>
    createTransport(restRoot, wrap ? { ...shared, fetch: wrap(options.fetch ?? globalThis.fetch) } : shared)
      .http;
  const transport = createTransport(url.apiRoot, shared);
  if (kind === 'hub') {
    return clientFromBackend(createHubBackend(url.apiRoot, makeHttp, auth, options.hub), options, transport);
  }

  const probe = createTransport(url.apiRoot, { ...shared, retry: false }).http;
  const backend = new DetectingBackend(
    url.apiRoot,
    (signal) => detectProduct(url.apiRoot, probe, signal),
    (product) => {
      if (product.kind === 'hub') return createHubBackend(product.url, makeHttp, auth, options.hub);
      const username = auth && auth.type !== 'bearer' ? auth.username : undefined;
      return new ServerBackend(makeHttp(resolveServerUrl(product.url).restRoot), {
        ...options.server,
        username,
      });
    },
  );
  return clientFromBackend(backend, options, transport);
}

/** The transport layer of one client: HTTP client, redacting logger and clock. */
export interface Transport {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
}

/**
 * Builds the transport for a REST root (`auth`, `tls`, `fetch`, `logger`, `clock`, `retry`,
 * `requestTimeoutMs` and `headers` of `options`). Backends other than KNIME Server use it too.
 */
export function createTransport(restRoot: string, options: Omit<ClientOptions, 'url'>): Transport {
  const clock = options.clock ?? systemClock;
  const authenticator = new Authenticator(options.auth, clock, silentLogger);
  const logger = createSafeLogger(options.logger ?? silentLogger, {
    level: options.logLevel ?? 'info',
    secrets: () => authenticator.secrets(),
  });

  let fetchImpl: typeof fetch = options.fetch ?? globalThis.fetch;
  if (options.tls) {
    if (options.tls.rejectUnauthorized === false) {
      logger.warn(
        'TLS certificate verification is turned off; use a custom CA (tls.ca) instead where possible',
      );
    }
    const tlsFetch = createTlsFetch(options.tls, options.fetch);
    fetchImpl = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
      (await tlsFetch)(input, init)) as typeof fetch;
  }

  const http = new HttpClient({
    restRoot,
    fetch: fetchImpl,
    clock,
    logger,
    authenticator,
    retry: resolveRetryOptions(options.retry),
    requestTimeoutMs: options.requestTimeoutMs,
    headers: options.headers,
  });
  return { http, logger, clock };
}

/**
 * Builds a client on any backend, such as the KNIME Business Hub backend. Uses `poll`, `discard`
 * and `validateUrl` of `options`.
 */
export function clientFromBackend(
  backend: Backend,
  options: Pick<ClientOptions, 'poll' | 'discard' | 'validateUrl'>,
  transport: Pick<Transport, 'logger' | 'clock'>,
): KnimeClient {
  return new Client(backend, options, transport.logger, transport.clock);
}

class Client implements KnimeClient {
  readonly backend: Backend;
  readonly baseUrl: string;
  readonly #context: HandleContext;
  readonly #discard: Required<DiscardPolicy>;
  readonly #validateUrl: boolean;
  #validated: Promise<void> | undefined;

  constructor(
    backend: Backend,
    options: Pick<ClientOptions, 'poll' | 'discard' | 'validateUrl'>,
    logger: HandleContext['logger'],
    clock: HandleContext['clock'],
  ) {
    this.backend = backend;
    this.baseUrl = backend.baseUrl;
    this.#validateUrl = options.validateUrl ?? true;
    this.#discard = {
      onSuccess: options.discard?.onSuccess ?? true,
      onFailure: options.discard?.onFailure ?? false,
    };
    if (options.poll !== undefined) checkPollOptions(options.poll);
    this.#context = {
      backend,
      clock,
      logger,
      poll: options.poll ?? {},
      ready: (signal) => this.#ready(signal),
      describe: (workflow, signal) => this.describeWorkflow(workflow, { signal }),
    };
  }

  #ready(signal?: AbortSignal): Promise<void> {
    if (!this.#validateUrl) return Promise.resolve();
    this.#validated ??= this.backend.validate({ signal }).catch((error: unknown) => {
      // A failed check is not cached, so a later call can succeed once the server is reachable.
      this.#validated = undefined;
      throw error;
    });
    return this.#validated;
  }

  async validate(options: CallOptions = {}): Promise<void> {
    this.#validated = undefined;
    await this.backend.validate(options);
    this.#validated = Promise.resolve();
  }

  async listWorkflows(options: CallOptions & { path?: string; deep?: boolean } = {}) {
    await this.#ready(options.signal);
    return this.backend.listRepository(options.path ?? '/', options);
  }

  async describeWorkflow(workflow: string, options: CallOptions = {}): Promise<WorkflowDescription> {
    await this.#ready(options.signal);
    return this.backend.describeWorkflow(workflow, options);
  }

  async start(workflow: string, inputs: Inputs = {}, options: StartOptions = {}): Promise<JobHandle> {
    return this.#start(workflow, inputs, options);
  }

  async #start(
    workflow: string,
    inputs: Inputs,
    options: StartOptions & { loadTimeoutMs?: number },
  ): Promise<RemoteJobHandle> {
    const { backend, logger } = this.#context;
    await this.#ready(options.signal);

    // Check the inputs before anything is created on the server.
    const description =
      options.description ??
      (options.validateInputs === false ? undefined : await this.describeWorkflow(workflow, options));
    const prepared = prepareInputs(inputs, description, { checkTypes: options.checkInputTypes !== false });

    const created = await backend.createJob(workflow, options);
    const handle = new RemoteJobHandle(this.#context, created.id, {
      workflow,
      description,
      executeRequested: false,
    });
    let status = handle.observe(created);
    let lastSnapshot: JobSnapshot | undefined = created;
    logger.info('created job', { jobId: created.id, workflow, state: created.state });

    if (status.outcome === 'loading' || status.outcome === 'queued') {
      try {
        status = await handle.waitUntilLoaded({
          signal: options.signal,
          loadTimeoutMs: options.loadTimeoutMs,
        });
      } catch (error) {
        if (error instanceof TimeoutError || error instanceof CancelledError) {
          await this.#discardUnran(handle, error, 'whose load did not finish');
        }
        throw error;
      }
      lastSnapshot = handle.lastSnapshot;
    }
    if (status.outcome !== 'ready') {
      throw new JobFailedError(
        `job ${handle.id} of ${workflow} could not be loaded: state ${status.state}${status.nodeMessages.length > 0 ? `: ${status.nodeMessages.map((m) => m.message).join('; ')}` : ''}`,
        { jobId: handle.id, state: status.state, outcome: status.outcome, nodeMessages: status.nodeMessages },
      );
    }

    try {
      const executed = await backend.executeJob(handle.id, prepared, {
        ...options,
        knownState: lastSnapshot,
      });
      handle.markExecuteRequested();
      if (executed) handle.observe(executed);
    } catch (error) {
      // The execute request was rejected, so the job never ran: discard it rather than leak it.
      await this.#discardUnran(handle, error, 'whose execute request failed');
      throw error;
    }
    logger.info('started job', { jobId: handle.id, workflow });
    return handle;
  }

  /** Discards a job that never ran; a failure is logged and attached to `error` as `cleanup`. */
  async #discardUnran(handle: RemoteJobHandle, error: unknown, why: string): Promise<void> {
    try {
      await handle.discard();
    } catch (cleanup) {
      if (error instanceof KnimeError) error.cleanup = cleanup;
      this.#context.logger.error(`could not discard a job ${why}`, {
        jobId: handle.id,
        error: (cleanup as Error).message,
      });
    }
  }

  getJob(jobId: string, options: { workflow?: string; executed?: boolean } = {}): JobHandle {
    if (typeof jobId !== 'string' || jobId.trim() === '') {
      throw new InvalidInputError('job id is empty; give the id of an existing job');
    }
    return new RemoteJobHandle(this.#context, jobId, {
      workflow: options.workflow,
      executeRequested: options.executed ?? true,
    });
  }

  async listJobs(filter: JobListFilter = {}): Promise<JobStatus[]> {
    await this.#ready(filter.signal);
    const jobs = await this.backend.listJobs(filter);
    const wanted = filter.state === undefined ? undefined : new Set([filter.state].flat());
    return jobs
      .map((job) => toStatus(job, { executeRequested: job.startedAt !== undefined }))
      .filter((status) => !wanted || wanted.has(status.state) || wanted.has(status.outcome));
  }

  async run(workflow: string, inputs: Inputs = {}, options: RunOptions = {}): Promise<RunResult> {
    const { logger } = this.#context;
    const policy = { ...this.#discard, ...options.discard };
    checkWaitOptions(options);
    const handle = await this.#start(workflow, inputs, options);

    let result: RunResult | undefined;
    let failure: unknown;
    let jobSucceeded = false;
    try {
      const status = await handle.wait(options);
      jobSucceeded = true;
      const outputs = await handle.outputs({
        expect: options.expectOutputs ?? true,
        acceptPartial: options.acceptPartial,
        signal: options.signal,
      });
      const files: Record<string, string> = {};
      if (options.downloadDir !== undefined) {
        for (const download of await handle.downloadOutputs(options.downloadDir, options)) {
          files[download.name] = download.path;
        }
      }
      result = { status, outputs, files, discarded: false };
      return result;
    } catch (error) {
      failure = error;
      if (!jobSucceeded && !policy.onFailure) {
        logger.warn('kept the failed job for inspection; discard it when done', {
          jobId: handle.id,
          workflow,
        });
      }
      throw error;
    } finally {
      // The job's own outcome decides, so a failed output fetch after a successful run still
      // discards the job instead of leaking it.
      const discard = jobSucceeded ? policy.onSuccess : policy.onFailure;
      if (discard) {
        try {
          await handle.discard();
          if (result) result.discarded = true;
        } catch (cleanup) {
          if (failure instanceof KnimeError) failure.cleanup = cleanup;
          logger.error('could not discard the job', { jobId: handle.id, error: (cleanup as Error).message });
        }
      }
    }
  }

  async execute(workflow: string, inputs: Inputs = {}, options: ExecuteOnceOptions = {}): Promise<RunResult> {
    await this.#ready(options.signal);
    const description =
      options.description ??
      (options.validateInputs === false ? undefined : await this.describeWorkflow(workflow, options));
    const prepared = prepareInputs(inputs, description, { checkTypes: options.checkInputTypes !== false });
    const job = await this.backend.executeOnce(workflow, prepared, {
      mode: options.mode ?? 'execution',
      timeoutMs: options.timeoutMs ?? 60_000,
      signal: options.signal,
    });
    const status = toStatus(job, { executeRequested: true });
    const where = `${options.mode ?? 'execution'} run of ${workflow}`;
    const accepted = status.outcome === 'succeeded' || (status.partial && options.acceptPartial === true);
    if (!accepted) {
      throw new JobFailedError(
        `${where} ended in state ${status.state}${status.failedNodes.length > 0 ? `: ${status.failedNodes.map((m) => `${m.node}: ${m.message}`).join('; ')}` : ''}`,
        {
          jobId: job.id || undefined,
          state: status.state,
          outcome: status.outcome,
          nodeMessages: status.failedNodes.length > 0 ? status.failedNodes : status.nodeMessages,
        },
      );
    }

    const expect = options.expectOutputs ?? true;
    let expected: string[] = [];
    if (expect === true) expected = description?.outputs.map((output) => output.name) ?? [];
    else if (expect !== false) expected = [...expect];
    const missing = expected.filter(
      (name) => status.outputs === undefined || !Object.hasOwn(status.outputs, name),
    );
    if (missing.length > 0) {
      throw new JobFailedError(
        `${where} returned ${status.outputs === undefined ? 'no outputValues at all' : `no ${missing.map((n) => `\`${n}\``).join(', ')}`}; expected ${expected.map((n) => `\`${n}\``).join(', ')}`,
        { jobId: job.id || undefined, state: status.state, missingOutputs: missing },
      );
    }
    return { status, outputs: status.outputs ?? {}, files: {}, discarded: false };
  }
}
