import { randomUUID } from 'node:crypto';
import {
  InvalidInputError,
  type KnimeError,
  NetworkError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import { systemClock } from '../transport/clock.js';
import { silentLogger } from '../transport/logger.js';
import { resolveRetryOptions } from '../transport/retry.js';
import type { Clock, Logger } from '../transport/types.js';
import { buildConfigurationXml, parseActionData, parseConfigurationXml } from './configuration.js';
import { parseOozieDate } from './dates.js';
import { OozieProtocolError, OozieSubmitUnconfirmedError } from './errors.js';
import { OozieHttp } from './http.js';
import {
  type OozieClientOptions,
  type OozieJob,
  type OozieWorkflowInfo,
  oozieWorkflowSchema,
} from './types.js';
import { type OozieWaitOptions, waitForJob } from './watch.js';

/** Workflow states after which nothing changes unless someone reruns the job. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['SUCCEEDED', 'KILLED', 'FAILED']);

/** Input of {@link OozieClient.submitWorkflow}. */
export interface SubmitWorkflowInput {
  /** `oozie.wf.application.path`: HDFS folder (or `workflow.xml`) of the workflow application. */
  appPath: string;
  /** Job properties, used by `${…}` expressions of the workflow (`nameNode`, `queueName`, …). */
  properties?: Record<string, string>;
  /**
   * Caller-chosen correlation id, sent as `oozie.wf.external.id`. The client looks it up before
   * submitting and after a lost response, so one id never leads to two jobs. Use a key that is
   * unique per intended run, such as `<pipeline>:<run>:<step>:<attempt>`.
   * @default a random `knimectl-<uuid>`
   */
  externalId?: string;
  /** Start the job in the submit request (`action=start`); otherwise it stays `PREP`. @default true */
  start?: boolean;
  /** Look the external id up before submitting and adopt a job that already has it. @default true */
  adoptExisting?: boolean;
  /**
   * How long to keep looking for the job by its external id after a submit whose response was lost,
   * in milliseconds of the client clock. Oozie may not list a job at once (database replicas,
   * several servers behind a load balancer).
   * @default 30000
   */
  reconcileWindowMs?: number;
  signal?: AbortSignal;
}

/** Result of {@link OozieClient.submitWorkflow}. */
export interface SubmittedWorkflow {
  id: string;
  externalId: string;
  /** True when the job was found by its external id instead of being created by this call. */
  adopted: boolean;
  /** Client clock time of the submit, for the post-submit grace period of a wait. */
  submittedAt: number;
}

/** Result of a job command (`start`, `suspend`, `resume`, `kill`). */
export interface OozieCommandResult {
  command: string;
  /** Status before the command. */
  before: string;
  /** Status read back after the command. */
  after: string;
  /**
   * `changed` when the status moved. `no-effect` when Oozie accepted the command but nothing
   * changed, because Oozie skips commands on the wrong state and still returns HTTP 200. `skipped`
   * when the client did not send it because the job was already in a terminal state.
   */
  effect: 'changed' | 'no-effect' | 'skipped';
}

/** Input of {@link OozieClient.rerun}. */
export interface RerunInput {
  appPath: string;
  properties?: Record<string, string>;
  /** Rerun from the failed nodes (`oozie.wf.rerun.failnodes=true`). Exclusive with `skipNodes`. */
  failNodes?: boolean;
  /** Nodes to skip (`oozie.wf.rerun.skip.nodes`); they must have completed in the earlier run. */
  skipNodes?: string[];
  signal?: AbortSignal;
}

/**
 * Client of the Oozie Web Services API for workflow jobs: submit (without duplicates), read,
 * command and watch. Coordinator and bundle ids are recognised and rejected where a workflow is
 * needed.
 */
export class OozieClient {
  readonly #http: OozieHttp;
  readonly #options: OozieClientOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  #version: Promise<string> | undefined;
  /** Job ids this client killed, so a later `KILLED` reads as a cancel rather than a failure. */
  readonly killRequested = new Set<string>();

  constructor(options: OozieClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw new InvalidInputError(
        `invalid Oozie base URL "${options.baseUrl}": expected an absolute URL such as http://oozie.example.test:11000/oozie`,
      );
    }
    if (parsed.username || parsed.password) {
      throw new InvalidInputError(
        'invalid Oozie base URL: remove the user info and pass credentials through auth',
      );
    }

    this.#options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.#http = new OozieHttp({
      baseUrl: options.baseUrl,
      version: () => this.protocolVersion(),
      user: options.user,
      doAs: options.doAs,
      auth: options.auth ?? { type: 'none' },
      fetch: options.fetch ?? globalThis.fetch,
      clock: this.clock,
      logger: this.logger,
      retry: resolveRetryOptions(options.retry),
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      safeModeWaitMs: options.safeModeWaitMs ?? 60_000,
    });
  }

  /** Protocol path segment in use (`v2` or `v1`); calls `GET /versions` once when `protocol` is `auto`. */
  protocolVersion(): Promise<string> {
    const wanted = this.#options.protocol ?? 'v2';
    if (wanted !== 'auto') return Promise.resolve(wanted);
    this.#version ??= this.getVersions().then((versions) => {
      if (versions.includes(2)) return 'v2';
      if (versions.includes(1)) return 'v1';
      throw new OozieProtocolError(
        `Oozie supports only protocol versions [${versions.join(', ')}]; knimectl needs 1 or 2`,
      );
    });
    this.#version.catch(() => {
      this.#version = undefined;
    });
    return this.#version;
  }

  /** Protocol versions the server supports (`GET /versions`). */
  async getVersions(signal?: AbortSignal): Promise<number[]> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: '/versions',
      unversioned: true,
      idempotent: true,
      responseType: 'json',
      signal,
    });
    if (!Array.isArray(data) || !data.every((v) => typeof v === 'number')) {
      throw new OozieProtocolError(
        `Oozie /versions returned ${JSON.stringify(data)}, expected an array of numbers`,
      );
    }
    return data;
  }

  /** System mode (`NORMAL`, `SAFEMODE`, `NOWEBSERVICE`) from `GET /admin/status`. */
  async getSystemMode(signal?: AbortSignal): Promise<string> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: '/admin/status',
      idempotent: true,
      responseType: 'json',
      signal,
    });
    const mode = (data as { systemMode?: unknown } | null)?.systemMode;
    if (typeof mode !== 'string') throw new OozieProtocolError('Oozie /admin/status returned no systemMode');
    return mode;
  }

  /**
   * Submits a workflow job, by default started at once. The job carries `externalId` in
   * `oozie.wf.external.id`. The submit request is never repeated blindly: when its response is lost
   * (connection error, 5xx from a proxy, timeout), the client looks the external id up for
   * `reconcileWindowMs` and adopts the job it finds.
   *
   * @throws InvalidInputError for an invalid path or property, or when Oozie rejects the submit
   *   (400 with `E0300`–`E0405`, `E0505` unknown application, …).
   * @throws OozieSubmitUnconfirmedError when the response was lost and the job did not show up in
   *   the reconcile window. Nothing was submitted a second time.
   */
  async submitWorkflow(input: SubmitWorkflowInput): Promise<SubmittedWorkflow> {
    const externalId = input.externalId ?? `knimectl-${randomUUID()}`;
    const properties = this.#submitProperties(input, externalId);
    const xml = buildConfigurationXml(properties);

    if (input.adoptExisting ?? true) {
      const existing = await this.findJobByExternalId(externalId, input.signal);
      if (existing) {
        this.logger.info('Oozie job with this external id exists already, adopting it', {
          jobId: existing,
          externalId,
        });
        return { id: existing, externalId, adopted: true, submittedAt: this.clock.now() };
      }
    }

    const submittedAt = this.clock.now();
    try {
      const { data } = await this.#http.request({
        method: 'POST',
        path: '/jobs',
        query: { action: (input.start ?? true) ? 'start' : undefined },
        xml,
        idempotent: false,
        retrySafeMode: true,
        responseType: 'json',
        signal: input.signal,
      });
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id === '') {
        throw new OozieProtocolError(`Oozie returned no job id for the submit of ${input.appPath}`);
      }
      this.logger.info('Oozie workflow job submitted', { jobId: id, externalId, appPath: input.appPath });
      return { id, externalId, adopted: false, submittedAt };
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      this.logger.warn('Oozie submit response was lost, looking the job up by its external id', {
        externalId,
        error,
      });
      return this.#reconcileSubmit(externalId, submittedAt, input, error);
    }
  }

  /**
   * Id of the workflow job submitted with `externalId` (`GET /jobs?jobtype=wf&external-id=…`), or
   * undefined when there is none.
   */
  async findJobByExternalId(externalId: string, signal?: AbortSignal): Promise<string | undefined> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: '/jobs',
      query: { jobtype: 'wf', 'external-id': externalId },
      idempotent: true,
      responseType: 'json',
      signal,
    });
    const id = (data as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  /**
   * Reads a workflow job with its actions (`show=info`).
   *
   * @throws NotFoundError when Oozie does not know the job (400 `E0604`), and InvalidInputError for a
   *   coordinator or bundle id.
   */
  async getJob(id: string, signal?: AbortSignal): Promise<OozieJob> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: this.#jobPath(id),
      query: { show: 'info' },
      idempotent: true,
      responseType: 'json',
      signal,
    });
    const parsed = oozieWorkflowSchema.safeParse(data);
    if (!parsed.success) {
      throw new OozieProtocolError(
        `Oozie returned job info for ${id} without ${parsed.error.issues[0]?.path.join('.')}`,
        {
          jobId: id,
        },
      );
    }
    return toJob(parsed.data);
  }

  /**
   * Lists workflow jobs, newest first (`GET /jobs?jobtype=wf`), one page of `len` entries from the
   * 1-based `offset`. Entries have no actions. Values of one filter field are OR-ed, different
   * fields AND-ed, as Oozie does. The list is read from `workflows` (what the server sends) or
   * `jobs` (what the WS API document shows).
   */
  async listWorkflowJobs(
    options: {
      filter?: { status?: string[]; name?: string[]; user?: string[]; id?: string[] };
      offset?: number;
      len?: number;
      signal?: AbortSignal;
    } = {},
  ): Promise<{ total: number; jobs: OozieJob[] }> {
    const pairs: string[] = [];
    for (const [field, values] of Object.entries(options.filter ?? {})) {
      for (const value of values ?? []) {
        if (/[;=]/.test(value)) {
          throw new InvalidInputError(
            `invalid Oozie job filter ${field}="${value}": values cannot contain ";" or "="`,
          );
        }
        pairs.push(`${field}=${value}`);
      }
    }

    const { data } = await this.#http.request({
      method: 'GET',
      path: '/jobs',
      query: {
        jobtype: 'wf',
        filter: pairs.length ? pairs.join(';') : undefined,
        offset: String(options.offset ?? 1),
        len: String(options.len ?? 50),
      },
      idempotent: true,
      responseType: 'json',
      signal: options.signal,
    });

    const body = (data ?? {}) as { total?: unknown; workflows?: unknown; jobs?: unknown };
    const list = Array.isArray(body.workflows)
      ? body.workflows
      : Array.isArray(body.jobs)
        ? body.jobs
        : undefined;
    if (!list) throw new OozieProtocolError('Oozie returned a jobs list without "workflows" or "jobs"');
    const jobs = list.map((entry) => {
      const parsed = oozieWorkflowSchema.safeParse(entry);
      if (!parsed.success)
        throw new OozieProtocolError('Oozie returned a jobs list entry without id or status');
      return toJob(parsed.data);
    });
    return { total: typeof body.total === 'number' ? body.total : jobs.length, jobs };
  }

  /** Reads only the status of a job (`show=status`), the cheap read for polling. */
  async getStatus(id: string, signal?: AbortSignal): Promise<string> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: this.#jobPath(id, true),
      query: { show: 'status' },
      idempotent: true,
      responseType: 'json',
      signal,
    });
    const status = (data as { status?: unknown } | null)?.status;
    if (typeof status !== 'string')
      throw new OozieProtocolError(`Oozie returned no status for ${id}`, { jobId: id });
    return status;
  }

  /**
   * Reads the job log from the Oozie server's own log files (`show=log`, `errorlog` or `auditlog`).
   * It can be empty after log rotation; the output of an action itself is in YARN, reachable
   * through the action's `consoleUrl`.
   */
  async getLog(
    id: string,
    options: { kind?: 'log' | 'errorlog' | 'auditlog'; signal?: AbortSignal } = {},
  ): Promise<string> {
    const { data } = await this.#http.request({
      method: 'GET',
      path: this.#jobPath(id, true),
      query: { show: options.kind ?? 'log' },
      idempotent: true,
      responseType: 'text',
      signal: options.signal,
    });
    return data as string;
  }

  /** Starts a `PREP` job. */
  start(id: string, signal?: AbortSignal): Promise<OozieCommandResult> {
    return this.#command(id, 'start', signal);
  }

  /** Suspends a `RUNNING` job. */
  suspend(id: string, signal?: AbortSignal): Promise<OozieCommandResult> {
    return this.#command(id, 'suspend', signal);
  }

  /** Resumes a `SUSPENDED` job. */
  resume(id: string, signal?: AbortSignal): Promise<OozieCommandResult> {
    return this.#command(id, 'resume', signal);
  }

  /**
   * Kills a job. Reads the status first and sends nothing for a finished job (`effect: 'skipped'`),
   * because Oozie accepts a kill of a finished job with 200 and changes nothing. Reads the status
   * again afterwards; `no-effect` means Oozie accepted the kill but the job still runs.
   */
  kill(id: string, signal?: AbortSignal): Promise<OozieCommandResult> {
    this.killRequested.add(id);
    return this.#command(id, 'kill', signal);
  }

  /**
   * Reruns a finished workflow job under the same id (`action=rerun`). Not retried: a second rerun
   * of a fast job could run it twice.
   *
   * @throws InvalidInputError when both `failNodes` and `skipNodes` are given, and when Oozie
   *   rejects the rerun (`E0805` job not finished, `E0404`, `E0401`).
   */
  async rerun(id: string, input: RerunInput): Promise<void> {
    if (input.failNodes && input.skipNodes?.length) {
      throw new InvalidInputError('invalid rerun: give either failNodes or skipNodes, not both', {
        jobId: id,
      });
    }
    const properties: Record<string, string> = {
      ...input.properties,
      'oozie.wf.application.path': input.appPath,
    };
    if (this.#options.user) properties['user.name'] = this.#options.user;
    if (input.skipNodes?.length) properties['oozie.wf.rerun.skip.nodes'] = input.skipNodes.join(',');
    else properties['oozie.wf.rerun.failnodes'] = String(input.failNodes ?? true);

    this.killRequested.delete(id);
    await this.#http.request({
      method: 'PUT',
      path: this.#jobPath(id),
      query: { action: 'rerun' },
      xml: buildConfigurationXml(properties),
      idempotent: false,
      retrySafeMode: true,
      responseType: 'none',
      signal: input.signal,
    });
    this.logger.info('Oozie workflow job rerun requested', { jobId: id });
  }

  /** Waits for a workflow job to end; see {@link waitForJob}. */
  waitForJob(id: string, options: OozieWaitOptions = {}): Promise<OozieJob> {
    return waitForJob(this, id, options);
  }

  async #command(id: string, verb: string, signal?: AbortSignal): Promise<OozieCommandResult> {
    const before = await this.getStatus(id, signal);
    if (TERMINAL_STATES.has(before) && verb !== 'start') {
      this.logger.info(`Oozie ${verb} skipped: the job has already ended`, { jobId: id, status: before });
      return { command: verb, before, after: before, effect: 'skipped' };
    }

    // kill, suspend, resume and start are no-ops on the wrong state, so a repeat is harmless.
    await this.#http.request({
      method: 'PUT',
      path: this.#jobPath(id, true),
      query: { action: verb },
      idempotent: true,
      retrySafeMode: true,
      responseType: 'none',
      signal,
    });

    const after = await this.getStatus(id, signal);
    const effect = after === before ? 'no-effect' : 'changed';
    const log = effect === 'changed' ? this.logger.info : this.logger.warn;
    log.call(this.logger, `Oozie ${verb} ${effect === 'changed' ? 'done' : 'had no effect'}`, {
      jobId: id,
      before,
      after,
    });
    return { command: verb, before, after, effect };
  }

  #jobPath(id: string, allowCoordinator = false): string {
    if (!/^[A-Za-z0-9._:@-]+$/.test(id)) {
      throw new InvalidInputError(
        `invalid Oozie job id "${id}": expected an id like 0000042-240501083000123-oozie-oozi-W`,
      );
    }
    if (!allowCoordinator && !/-W(@.*)?$/.test(id)) {
      throw new InvalidInputError(
        `Oozie job id "${id}" is not a workflow job (ids of workflow jobs end in -W); coordinators (-C) and bundles (-B) ` +
          'cannot be read as workflows',
      );
    }
    return `/job/${encodeURIComponent(id)}`;
  }

  #submitProperties(input: SubmitWorkflowInput, externalId: string): Record<string, string> {
    if (!input.appPath || input.appPath.trim() === '') {
      throw new InvalidInputError(
        'invalid Oozie submit: appPath is empty; give the HDFS path of the workflow application',
      );
    }
    for (const key of [
      'oozie.coord.application.path',
      'oozie.bundle.application.path',
      'oozie.wf.application.path',
    ]) {
      if (input.properties && key in input.properties) {
        throw new InvalidInputError(
          `invalid Oozie submit: remove property "${key}"; the client sets the application path`,
        );
      }
    }
    if (externalId.trim() === '') throw new InvalidInputError('invalid Oozie submit: externalId is empty');

    const properties: Record<string, string> = { ...input.properties };
    if (this.#options.user) properties['user.name'] = this.#options.user;
    properties['oozie.wf.application.path'] = input.appPath;
    properties['oozie.wf.external.id'] = externalId;
    return properties;
  }

  async #reconcileSubmit(
    externalId: string,
    submittedAt: number,
    input: SubmitWorkflowInput,
    cause: unknown,
  ): Promise<SubmittedWorkflow> {
    const windowMs = input.reconcileWindowMs ?? 30_000;
    const until = submittedAt + windowMs;
    let delay = 1_000;

    for (;;) {
      let found: string | undefined;
      try {
        found = await this.findJobByExternalId(externalId, input.signal);
      } catch (error) {
        if (input.signal?.aborted || !isOutcomeUnknown(error)) throw error;
        this.logger.warn('Oozie external id lookup failed, trying again', { externalId, error });
      }
      if (found) {
        this.logger.info('Oozie job of the lost submit found by its external id', {
          jobId: found,
          externalId,
        });
        return { id: found, externalId, adopted: true, submittedAt };
      }

      const left = until - this.clock.now();
      if (left <= 0) break;
      await this.clock.sleep(Math.min(delay, left), input.signal);
      delay = Math.min(delay * 2, 5_000);
    }

    throw new OozieSubmitUnconfirmedError(
      `Oozie submit of ${input.appPath} got no response and no job with external id "${externalId}" appeared within ` +
        `${windowMs} ms; the client did not submit again. Look the id up later (GET /v2/jobs?jobtype=wf&external-id=…) ` +
        'before submitting by hand',
      { externalId, cause },
    );
  }
}

/** Returns whether the server may have carried out a request that failed. */
function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof TimeoutError) return error.clock === 'request';
  if (error instanceof ServerError)
    return (error as KnimeError & { oozieCode?: string }).oozieCode !== 'E0002';
  return false;
}

/** Converts a `show=info` body into an {@link OozieJob}. */
export function toJob(info: OozieWorkflowInfo): OozieJob {
  const outputs: Record<string, Record<string, string>> = {};
  for (const action of info.actions) {
    if (action.data) outputs[action.name] = parseActionData(action.data);
  }
  return {
    id: info.id,
    status: info.status,
    appName: info.appName ?? undefined,
    appPath: info.appPath ?? undefined,
    externalId: info.externalId ?? undefined,
    user: info.user ?? undefined,
    run: info.run ?? 0,
    consoleUrl: info.consoleUrl ?? undefined,
    createdAt: safeDate(info.createdTime),
    startedAt: safeDate(info.startTime),
    endedAt: safeDate(info.endTime),
    lastModifiedAt: safeDate(info.lastModTime),
    properties: parseConfigurationXml(info.conf),
    actions: info.actions,
    outputs,
    raw: info,
  };
}

function safeDate(text: string | null | undefined): number | undefined {
  try {
    return parseOozieDate(text);
  } catch {
    // NOTE: a date in another format leaves the field unset instead of failing the whole read.
    return undefined;
  }
}
