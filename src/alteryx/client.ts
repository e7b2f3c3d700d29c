import { systemClock } from '../transport/clock.js';
import { createSafeLogger, silentLogger } from '../transport/logger.js';
import { resolveRetryOptions } from '../transport/retry.js';
import {
  AlteryxCancelUnsupportedError,
  AlteryxInvalidInputError,
  KnimeError,
  NotFoundError,
  ProtocolError,
} from './errors.js';
import { AlteryxJobHandle } from './handle.js';
import { AlteryxHttp, normalizeBaseUrl } from './http.js';
import { chooseFormat, type DownloadedOutput, saveOutputStream } from './outputs.js';
import { type AlteryxAnswer, buildQuestionValues, type QuestionValue } from './questions.js';
import { queueWithReconciliation } from './queue.js';
import { AlteryxTokenCache } from './token.js';
import type { AlteryxClientOptions, AlteryxClock, AlteryxLogger } from './types.js';
import {
  type AlteryxJob,
  type AlteryxJobSummary,
  type AlteryxOutput,
  type AlteryxQuestion,
  type AlteryxWorkflow,
  parseJob,
  parseJobList,
  parseMessages,
  parseQuestions,
  parseWorkflow,
  parseWorkflowList,
} from './wire.js';

/** V3 priority names a queue request accepts. */
export const ALTERYX_PRIORITIES = ['Default', 'Low', 'Medium', 'High', 'Critical'] as const;
export type AlteryxPriority = (typeof ALTERYX_PRIORITIES)[number];

/** What to queue: answers to the app's questions and the optional routing fields. */
export interface QueueJobRequest {
  /** Answers by question name. Questions with a default may be left out; the default is sent. */
  answers?: Readonly<Record<string, AlteryxAnswer>>;
  /** Sent only when set, because older servers reject unknown fields. */
  priority?: AlteryxPriority;
  /** Sent only when set; routes the job to workers with this tag. */
  workerTag?: string;
  /** Stored credential to run under; required by workflows whose credential type is `Required`. */
  credentialId?: string;
  signal?: AbortSignal;
}

/** A queue request that passed every check, ready to send. */
export interface PreparedJob {
  workflow: AlteryxWorkflow;
  questions: QuestionValue[];
  body: Record<string, unknown>;
}

// NOTE: the list of questionType strings is undocumented. A legacy Gallery client warned that tree,
// map and file-browse questions cannot be answered through the API; these names are matched loosely.
const UNANSWERABLE_QUESTION_TYPE = /tree|map|file\s*browse/i;

/** Matches the 24-character hex ids of Alteryx objects. */
const HEX_ID = /^[0-9a-f]{24}$/i;

/**
 * Client of the Alteryx Server API V3 (OAuth 2): find workflows, check answers, queue jobs without
 * duplicates, watch them, read their messages and download their outputs.
 *
 * ```ts
 * const client = new AlteryxClient({ baseUrl: 'https://alteryx.example.test/webapi/', apiKey, apiSecret });
 * const job = await client.queueJob(workflowId, { answers: { Region: 'EMEA' } });
 * const result = await job.wait({ timeoutMs: 3_600_000 });
 * ```
 */
export class AlteryxClient {
  readonly clock: AlteryxClock;
  readonly logger: AlteryxLogger;
  readonly #http: AlteryxHttp;
  readonly #options: AlteryxClientOptions;
  /** Job route that worked last; `auto` settles on `v3` or `v1` after the first job read. */
  #jobRoute: 'auto' | 'v3' | 'v1';

  constructor(options: AlteryxClientOptions) {
    if (!options.apiKey) {
      throw new AlteryxInvalidInputError('apiKey is missing: pass the API Access Key', { names: ['apiKey'] });
    }
    if (!options.apiSecret) {
      throw new AlteryxInvalidInputError('apiSecret is missing: pass the API Access Secret', {
        names: ['apiSecret'],
      });
    }

    this.#options = options;
    const tokens: { cache?: AlteryxTokenCache } = {};
    const secrets = () => [options.apiSecret, ...(tokens.cache?.current ? [tokens.cache.current] : [])];
    this.clock = options.clock ?? systemClock;
    this.logger = createSafeLogger(options.logger ?? silentLogger, { secrets });
    this.#jobRoute = options.jobRoute ?? 'auto';

    this.#http = new AlteryxHttp({
      baseUrl: normalizeBaseUrl(options.baseUrl),
      fetch: options.fetch ?? globalThis.fetch,
      clock: this.clock,
      logger: this.logger,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      retry: resolveRetryOptions(options.retry),
      secrets,
    });
    tokens.cache = new AlteryxTokenCache({
      http: this.#http,
      clock: this.clock,
      logger: this.logger,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      credentialsIn: options.credentialsIn ?? 'body',
      refreshMarginMs: options.tokenRefreshMarginMs ?? 300_000,
    });
    this.#http.useTokens(tokens.cache);
  }

  /** The normalized Web API address, ending in one slash. */
  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  /** Lists published workflows; `name` filters on the server. */
  async listWorkflows(
    options: { name?: string; signal?: AbortSignal } = {},
  ): Promise<Array<{ id: string; name: string }>> {
    const body = await this.#http.json({
      method: 'GET',
      path: 'v3/workflows',
      query: { name: options.name },
      idempotent: true,
      signal: options.signal,
    });
    return parseWorkflowList(body);
  }

  async getWorkflow(workflowId: string, options: { signal?: AbortSignal } = {}): Promise<AlteryxWorkflow> {
    const body = await this.#http.json({
      method: 'GET',
      path: `v3/workflows/${encodeURIComponent(workflowId)}`,
      idempotent: true,
      signal: options.signal,
    });
    return parseWorkflow(body);
  }

  /**
   * Finds a workflow by id (24 hex characters) or by exact name, ignoring case.
   * @throws NotFoundError when no workflow has the name; the message lists similar names.
   * @throws AlteryxInvalidInputError when several workflows have the name; the message lists their ids.
   */
  async findWorkflow(idOrName: string, options: { signal?: AbortSignal } = {}): Promise<AlteryxWorkflow> {
    if (HEX_ID.test(idOrName)) return this.getWorkflow(idOrName.toLowerCase(), options);

    const candidates = await this.listWorkflows({ name: idOrName, signal: options.signal });
    const exact = candidates.filter((workflow) => workflow.name.toLowerCase() === idOrName.toLowerCase());
    if (exact.length === 1 && exact[0]) return this.getWorkflow(exact[0].id, options);
    if (exact.length > 1) {
      const ids = exact.map((workflow) => `${workflow.id} (${workflow.name})`).join(', ');
      throw new AlteryxInvalidInputError(
        `workflow name '${idOrName}' matches ${exact.length} workflows: ${ids}; use the workflow id instead`,
        { names: [idOrName] },
      );
    }
    const similar = candidates.map((workflow) => `'${workflow.name}'`).join(', ');
    throw new NotFoundError(
      `no workflow is named '${idOrName}'${similar ? `; similar names: ${similar}` : ''}. Run listWorkflows() to see the published workflows`,
    );
  }

  async getQuestions(
    workflowId: string,
    options: { versionId?: string; signal?: AbortSignal } = {},
  ): Promise<AlteryxQuestion[]> {
    const body = await this.#http.json({
      method: 'GET',
      path: `v3/workflows/${encodeURIComponent(workflowId)}/questions`,
      query: { versionId: options.versionId },
      idempotent: true,
      signal: options.signal,
    });
    return parseQuestions(body);
  }

  /**
   * Runs every check of a queue request without queueing: the workflow can run, the credential is
   * there when required, the priority is valid and the answers match the questions.
   * @throws AlteryxInvalidInputError naming every problem.
   */
  async prepareJob(workflowId: string, request: QueueJobRequest = {}): Promise<PreparedJob> {
    const signal = request.signal;
    const workflow = await this.getWorkflow(workflowId, { signal });
    if (workflow.runDisabled) {
      throw new AlteryxInvalidInputError(
        `workflow ${workflow.id} (${workflow.name}) has running disabled; ask its owner to enable it`,
        { names: ['workflowId'] },
      );
    }
    if (workflow.workflowCredentialType === 'Required' && !request.credentialId) {
      throw new AlteryxInvalidInputError(
        `workflow ${workflow.id} (${workflow.name}) requires a stored credential: set credentialId`,
        { names: ['credentialId'] },
      );
    }
    if (request.priority !== undefined && !ALTERYX_PRIORITIES.includes(request.priority)) {
      throw new AlteryxInvalidInputError(
        `invalid priority ${JSON.stringify(request.priority)}: use one of ${ALTERYX_PRIORITIES.join(', ')}`,
        { names: ['priority'] },
      );
    }
    if (workflow.workerTag) {
      this.logger.debug('alteryx workflow has a worker tag', {
        workflowId: workflow.id,
        workerTag: workflow.workerTag,
      });
    }

    const questions = await this.getQuestions(workflow.id, { signal });
    for (const question of questions) {
      if (UNANSWERABLE_QUESTION_TYPE.test(question.questionType)) {
        this.logger.warn('alteryx question type may not be answerable through the API', {
          workflowId: workflow.id,
          question: question.name,
          questionType: question.questionType,
        });
      }
    }
    const values = buildQuestionValues(
      `${workflow.id} (${workflow.name})`,
      questions,
      request.answers ?? {},
      this.#options.multiValueSeparator ?? ',',
    );

    const body: Record<string, unknown> = { questions: values };
    if (request.priority !== undefined) body.priority = request.priority;
    if (request.workerTag !== undefined) body.workerTag = request.workerTag;
    if (request.credentialId !== undefined) body.credentialId = request.credentialId;
    return { workflow, questions: values, body };
  }

  /**
   * Checks the request, then queues one job. The queue request is never sent again blindly: when
   * its response is lost, the workflow's job list is compared with a snapshot taken before the
   * request, and a new job found there is adopted. Only when no new job shows up after the
   * reconciliation checks is the request sent once more.
   *
   * @throws AlteryxInvalidInputError for answers or options the checks reject, or an HTTP 400.
   * @throws NetworkError when the outcome stays unknown; `candidateJobIds` lists what was found.
   */
  async queueJob(workflowId: string, request: QueueJobRequest = {}): Promise<AlteryxJobHandle> {
    const prepared = await this.prepareJob(workflowId, request);
    const job = await queueWithReconciliation(this, this.#http, prepared, {
      checks: this.#options.reconcile?.checks ?? 3,
      delayMs: this.#options.reconcile?.delayMs ?? 2000,
      signal: request.signal,
    });
    return new AlteryxJobHandle(this, job);
  }

  /** Returns a handle for a job queued earlier, such as one stored in a run ledger. */
  async attachJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<AlteryxJobHandle> {
    return new AlteryxJobHandle(this, await this.getJob(jobId, options));
  }

  /**
   * Reads a job. With `jobRoute: 'auto'`, a 404 from `v3/jobs/{id}` is retried once on the legacy
   * `v1/jobs/{id}/`, because servers before 2022.3 have no V3 job route. The route that works is
   * used for later reads.
   */
  async getJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<AlteryxJob> {
    const id = encodeURIComponent(jobId);
    const readV1 = async () =>
      parseJob(
        await this.#http.json({
          method: 'GET',
          path: `v1/jobs/${id}/`,
          idempotent: true,
          signal: options.signal,
        }),
      );

    if (this.#jobRoute === 'v1') return readV1();
    try {
      const job = parseJob(
        await this.#http.json({
          method: 'GET',
          path: `v3/jobs/${id}`,
          idempotent: true,
          signal: options.signal,
        }),
      );
      if (this.#jobRoute === 'auto') this.#jobRoute = 'v3';
      return job;
    } catch (error) {
      if (!(error instanceof NotFoundError) || this.#jobRoute !== 'auto') throw error;
      let job: AlteryxJob;
      try {
        job = await readV1();
      } catch {
        throw error;
      }
      this.#jobRoute = 'v1';
      this.logger.info('alteryx server has no v3 job route; reading jobs through v1', { jobId });
      return job;
    }
  }

  /** Lists jobs of a workflow, newest first (no dispositions in this list). */
  async listWorkflowJobs(
    workflowId: string,
    options: { limit?: number; offset?: number; status?: string; signal?: AbortSignal } = {},
  ): Promise<AlteryxJobSummary[]> {
    const body = await this.#http.json({
      method: 'GET',
      path: `v3/workflows/${encodeURIComponent(workflowId)}/jobs`,
      query: {
        sortField: 'createDate',
        direction: 'desc',
        limit: String(options.limit ?? 20),
        offset: options.offset === undefined ? undefined : String(options.offset),
        status: options.status,
      },
      idempotent: true,
      signal: options.signal,
    });
    return parseJobList(body);
  }

  /**
   * Returns the jobs of a workflow created at or after `sinceMs`, newest first. Server and client
   * clocks differ, so callers subtract a margin from `sinceMs`.
   */
  async findJobsCreatedSince(
    workflowId: string,
    sinceMs: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<AlteryxJobSummary[]> {
    const found: AlteryxJobSummary[] = [];
    const pageSize = 20;
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.listWorkflowJobs(workflowId, {
        limit: pageSize,
        offset,
        signal: options.signal,
      });
      const recent = page.filter((job) => Date.parse(job.createdAt) >= sinceMs);
      found.push(...recent);
      if (page.length < pageSize || recent.length < page.length) return found;
    }
  }

  /** Reads `GET v3/jobs/{id}/messages` (administrators only, servers from 2024.2). */
  async getJobMessages(jobId: string, options: { signal?: AbortSignal } = {}) {
    const body = await this.#http.json({
      method: 'GET',
      path: `v3/jobs/${encodeURIComponent(jobId)}/messages`,
      idempotent: true,
      signal: options.signal,
    });
    return parseMessages(body);
  }

  /**
   * Starts the download of one output and returns its body unread, so it can be streamed. The
   * format is `format` when given, else `Csv` when offered, else the first available format.
   * The bytes are passed on as sent, byte-order mark included.
   */
  async downloadOutput(
    jobId: string,
    output: AlteryxOutput,
    options: { format?: string; signal?: AbortSignal } = {},
  ): Promise<DownloadedOutput> {
    const format = chooseFormat(output, options.format);
    const { response, info } = await this.#http.send({
      method: 'GET',
      path: `v1/jobs/${encodeURIComponent(jobId)}/output/${encodeURIComponent(output.id)}`,
      query: { format },
      idempotent: true,
      signal: options.signal,
    });
    if (!response.body) {
      throw new ProtocolError(`${info.method} ${info.url} returned no body for output ${output.fileName}`, {
        request: info,
        status: response.status,
        jobId,
      });
    }
    return { format, fileName: output.fileName, body: response.body, request: info };
  }

  /**
   * Downloads one output into `path`. The bytes go to `<path>.part` first and are renamed once
   * complete, so a broken download never leaves a file that looks whole.
   */
  async saveOutput(
    jobId: string,
    output: AlteryxOutput,
    path: string,
    options: { format?: string; signal?: AbortSignal } = {},
  ): Promise<{ path: string; format: string; bytes: number }> {
    const download = await this.downloadOutput(jobId, output, options);
    const bytes = await saveOutputStream(download, path, options.signal);
    this.logger.info('alteryx output saved', {
      jobId,
      outputId: output.id,
      format: download.format,
      path,
      bytes,
    });
    return { path, format: download.format, bytes };
  }

  /**
   * Cancels a job, which Alteryx Server API V3 does not document. Unless `cancelRoute` is on, this
   * throws without sending anything. With `cancelRoute`, it sends `DELETE v3/jobs/{id}`; a job that
   * had already finished counts as done.
   *
   * @throws AlteryxCancelUnsupportedError when the API cannot cancel; the job keeps running.
   */
  async cancelJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const hint =
      'It keeps running on the server; an administrator can stop it on the Jobs page of the Alteryx Server admin UI';
    if (!this.#options.cancelRoute) {
      throw new AlteryxCancelUnsupportedError(
        `cannot cancel Alteryx job ${jobId}: Alteryx Server API V3 has no cancel call. ${hint}.`,
        { jobId },
      );
    }

    try {
      const { response } = await this.#http.send({
        method: 'DELETE',
        path: `v3/jobs/${encodeURIComponent(jobId)}`,
        idempotent: false,
        signal: options.signal,
      });
      await response.body?.cancel();
      this.logger.info('alteryx job cancel request accepted', { jobId });
    } catch (error) {
      if (!(error instanceof KnimeError) || error.status === undefined) throw error;
      if (error.status === 404 || error.status === 405) {
        throw new AlteryxCancelUnsupportedError(
          `cannot cancel Alteryx job ${jobId}: the server returned HTTP ${error.status} for DELETE v3/jobs/${jobId}, so it has no cancel route; turn cancelRoute off. ${hint}.`,
          { jobId, status: error.status, request: error.request, cause: error },
        );
      }
      if (error.status === 400 || error.status === 409) {
        const job = await this.getJob(jobId, options);
        if (['Completed', 'Cancelled', 'Error'].includes(job.status)) return;
      }
      throw error;
    }
  }
}
