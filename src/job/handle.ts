/**
 * The job handle: status, wait, cancel, discard, outputs and downloads of one remote job, the same
 * for every backend.
 */
import {
  CancelledError,
  InvalidInputError,
  JobFailedError,
  type KnimeError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  type TimeoutClock,
  TimeoutError,
} from '../errors/index.js';
import type { Clock, Logger } from '../transport/types.js';
import type { DownloadResult, JobHandle, OutputsOptions } from './api.js';
import { fileInFolder, isFolderTarget, sanitizeFileName, writeResource } from './download.js';
import type { PollOptions, WaitOptions } from './options.js';
import { toStatus } from './states.js';
import type { Backend, CallOptions, JobSnapshot, JobStatus, WorkflowDescription } from './types.js';
import { checkWaitOptions } from './wait-options.js';

/** Services a handle shares with its client: backend, clock, logger, defaults and the URL check. */
export interface HandleContext {
  backend: Backend;
  clock: Clock;
  logger: Logger;
  poll: PollOptions;
  /** Resolves once the server URL was validated. */
  ready(signal?: AbortSignal): Promise<void>;
  describe(workflow: string, signal?: AbortSignal): Promise<WorkflowDescription>;
}

const DEFAULT_INTERVALS_MS = [100, 250, 500, 1000];
const DEFAULT_LOAD_TIMEOUT_MS = 60_000;
const DEFAULT_NO_PROGRESS_TIMEOUT_MS = 300_000;
const DEFAULT_MAX_POLL_FAILURES = 5;
const DEFAULT_CANCEL_WAIT_MS = 30_000;

/** Delay before poll number `index` (0 for the first poll after the start), in milliseconds. */
export function pollDelay(poll: PollOptions, index: number): number {
  const intervals = poll.initialIntervalsMs ?? DEFAULT_INTERVALS_MS;
  const max = poll.maxIntervalMs ?? 5000;
  if (index < intervals.length) return Math.min(max, intervals[index]!);
  const last = intervals.at(-1) ?? 1000;
  const factor = poll.factor ?? 1.5;
  return Math.min(max, Math.round(last * factor ** (index - intervals.length + 1)));
}

/** A deadline of one clock: when it runs out and how long it was. */
interface Limit {
  clock: TimeoutClock;
  at: number;
  limitMs: number;
}

export class RemoteJobHandle implements JobHandle {
  readonly id: string;
  #workflow: string | undefined;
  #description: WorkflowDescription | undefined;
  #last: JobStatus | undefined;
  #lastSnapshot: JobSnapshot | undefined;
  #executeRequested: boolean;
  #cancelRequested = false;
  /** Whether a wait of this handle accepted an `EXECUTION_FAILED_WITH_CONTENT` result. */
  #partialAccepted = false;
  readonly #context: HandleContext;

  constructor(
    context: HandleContext,
    id: string,
    options: { workflow?: string; description?: WorkflowDescription; executeRequested: boolean },
  ) {
    this.#context = context;
    this.id = id;
    this.#workflow = options.workflow;
    this.#description = options.description;
    this.#executeRequested = options.executeRequested;
  }

  get workflow(): string | undefined {
    return this.#workflow ?? this.#last?.workflow;
  }

  get lastStatus(): JobStatus | undefined {
    return this.#last;
  }

  /** Last job body this handle read, before normalisation. */
  get lastSnapshot(): JobSnapshot | undefined {
    return this.#lastSnapshot;
  }

  /** Records that an execute request was sent, so that `IDLE` from now on counts as a failure. */
  markExecuteRequested(): void {
    this.#executeRequested = true;
  }

  /** Records a snapshot the caller already has, such as the body of a creation response. */
  observe(job: JobSnapshot): JobStatus {
    const status = toStatus(job, { executeRequested: this.#executeRequested });
    this.#last = status;
    this.#lastSnapshot = job;
    this.#workflow ??= status.workflow;
    return status;
  }

  async status(options: CallOptions = {}): Promise<JobStatus> {
    await this.#context.ready(options.signal);
    return this.observe(await this.#context.backend.getJob(this.id, options));
  }

  async wait(options: WaitOptions = {}): Promise<JobStatus> {
    return this.#waitLoop(options, undefined);
  }

  /**
   * Waits until the job has left `loading` and `queued`, after a creation. Load failures throw
   * like in `wait`. Does not cancel the job on a timeout.
   */
  waitUntilLoaded(options: WaitOptions = {}): Promise<JobStatus> {
    return this.#waitLoop(
      { ...options, cancelOnAbort: false },
      (status) => status.outcome !== 'loading' && status.outcome !== 'queued',
    );
  }

  async #waitLoop(
    options: WaitOptions,
    until: ((status: JobStatus) => boolean) | undefined,
  ): Promise<JobStatus> {
    checkWaitOptions(options);
    const { clock, logger } = this.#context;
    const started = clock.now();
    const poll = { ...this.#context.poll, ...options.poll };
    const maxFailures = options.maxPollFailures ?? DEFAULT_MAX_POLL_FAILURES;
    const noProgressMs = options.noProgressTimeoutMs ?? DEFAULT_NO_PROGRESS_TIMEOUT_MS;
    const overall = overallLimit(started, options);
    const load: Limit = {
      clock: 'load',
      at: started + (options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS),
      limitMs: options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
    };
    let execution: Limit | undefined;
    let previous: JobStatus | undefined;
    let lastChange = started;
    let failures = 0;
    let pollIndex = 0;

    try {
      await this.#context.ready(options.signal);
      // A state seen just before (a creation or execute response) makes an immediate poll useless.
      if (this.#last !== undefined && !this.#last.terminal) {
        previous = this.#last;
        options.onStateChange?.(previous, undefined);
        await this.#sleepUntilNextPoll(
          pollDelay(poll, pollIndex++),
          [overall, load, execution],
          options.signal,
        );
      }
      for (;;) {
        let status: JobStatus;
        try {
          status = await this.status({ signal: options.signal });
          failures = 0;
        } catch (error) {
          if (error instanceof NotFoundError) {
            status = this.#goneStatus();
          } else if (isTransient(error) && failures < maxFailures) {
            failures += 1;
            logger.warn('job poll failed; keeping the last known state', {
              jobId: this.id,
              state: this.#last?.state,
              failures,
              error: (error as Error).message,
            });
            await this.#sleepUntilNextPoll(
              pollDelay(poll, pollIndex++),
              [overall, load, execution],
              options.signal,
            );
            continue;
          } else {
            throw error;
          }
        }

        const now = clock.now();
        if (
          previous === undefined ||
          status.state !== previous.state ||
          status.jobState !== previous.jobState
        ) {
          if (previous !== undefined) lastChange = now;
          logger.debug('job state changed', { jobId: this.id, state: status.state, outcome: status.label });
          options.onStateChange?.(status, previous);
        }
        options.onPoll?.(status);
        previous = status;

        const final = this.#settle(status, options);
        if (final) return final;
        if (until?.(status)) return status;

        if (
          status.outcome === 'running' &&
          execution === undefined &&
          options.executionTimeoutMs !== undefined
        ) {
          execution = {
            clock: 'execution',
            at: now + options.executionTimeoutMs,
            limitMs: options.executionTimeoutMs,
          };
        }
        const preStart =
          status.outcome === 'queued' || status.outcome === 'loading' || status.outcome === 'ready';
        const stalled = status.outcome === 'unknown' || status.outcome === 'paused';
        const noProgress: Limit | undefined = stalled
          ? { clock: 'no-progress', at: lastChange + noProgressMs, limitMs: noProgressMs }
          : undefined;
        const limits = [overall, preStart ? load : undefined, execution, noProgress];
        this.#checkLimits(limits, now, status);
        await this.#sleepUntilNextPoll(pollDelay(poll, pollIndex++), limits, options.signal);
      }
    } catch (error) {
      if (error instanceof TimeoutError || error instanceof CancelledError) {
        if (
          options.cancelOnAbort !== false &&
          !(error instanceof CancelledError && error.state !== undefined)
        ) {
          await this.#cancelAfter(error);
        }
      }
      throw error;
    }
  }

  /** Returns the final status, throws for a final failure, or returns `undefined` to keep waiting. */
  #settle(status: JobStatus, options: WaitOptions): JobStatus | undefined {
    const where = `job ${this.id}${this.workflow ? ` of ${this.workflow}` : ''}`;
    const failure = (message: string) =>
      new JobFailedError(message, {
        jobId: this.id,
        state: status.state,
        outcome: status.outcome,
        nodeMessages: status.failedNodes.length > 0 ? status.failedNodes : status.nodeMessages,
      });

    switch (status.outcome) {
      case 'succeeded':
        return status;
      case 'failed':
        if (status.partial && options.acceptPartial) {
          this.#partialAccepted = true;
          return status;
        }
        throw failure(
          `${where} failed with state ${status.state}${describeMessages(status)}${partialHint(status)}`,
        );
      case 'cancelled':
        throw new CancelledError(`${where} was cancelled (state ${status.state})`, {
          jobId: this.id,
          state: status.state,
        });
      case 'gone':
        throw failure(
          `${where} no longer exists (state ${status.state}); it was discarded or its executor was lost`,
        );
      case 'paused':
        if (options.allowInteraction) return undefined;
        throw failure(
          `${where} stopped in state INTERACTION_REQUIRED and waits for a person to continue it in the WebPortal; ` +
            'a headless run cannot continue (allow it with allowInteraction)',
        );
      default:
        return undefined;
    }
  }

  #checkLimits(limits: ReadonlyArray<Limit | undefined>, now: number, status: JobStatus | undefined): void {
    for (const limit of limits) {
      if (limit && now >= limit.at) throw this.#timeout(limit, status);
    }
  }

  #timeout(limit: Limit, status: JobStatus | undefined): TimeoutError {
    const names: Record<TimeoutClock, string> = {
      load: 'load/queue timeout',
      execution: 'execution timeout',
      'no-progress': 'no-progress timeout',
      deadline: 'overall deadline',
      request: 'per-request timeout',
      cancel: 'cancel timeout',
    };
    const last = status
      ? ` (last state ${status.label === status.outcome ? status.state : status.label})`
      : '';
    return new TimeoutError(
      `job ${this.id}: the ${names[limit.clock]} of ${limit.limitMs} ms ran out${last}`,
      {
        jobId: this.id,
        clock: limit.clock,
        limitMs: limit.limitMs,
        lastState: status?.state,
      },
    );
  }

  async #sleepUntilNextPoll(
    delay: number,
    limits: ReadonlyArray<Limit | undefined>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const now = this.#context.clock.now();
    let sleep = delay;
    for (const limit of limits) if (limit) sleep = Math.min(sleep, Math.max(0, limit.at - now));
    try {
      await this.#context.clock.sleep(sleep, signal);
    } catch (reason) {
      throw new CancelledError(`wait for job ${this.id} was aborted`, { jobId: this.id, cause: reason });
    }
    this.#checkLimits(limits, this.#context.clock.now(), this.#last);
  }

  /** Cancels the remote job after a timeout or abort; a failure is attached as `error.cleanup`. */
  async #cancelAfter(error: KnimeError): Promise<void> {
    try {
      const status = await this.cancel();
      this.#context.logger.warn('cancelled the job after the wait ended early', {
        jobId: this.id,
        reason: error.code,
        state: status.state,
      });
    } catch (cleanup) {
      error.cleanup = cleanup;
      this.#context.logger.error('could not cancel the job after the wait ended early', {
        jobId: this.id,
        error: (cleanup as Error).message,
      });
    }
  }

  async cancel(options: CallOptions & { waitMs?: number } = {}): Promise<JobStatus> {
    const before = await this.status(options);
    if (before.terminal) {
      this.#context.logger.info('job finished before cancel; nothing sent', {
        jobId: this.id,
        state: before.state,
      });
      return before;
    }
    this.#cancelRequested = true;
    await this.#context.backend.cancelJob(this.id, options);

    // The server may stop the job a little later, so poll until it is terminal or `waitMs` is over.
    const { clock, logger } = this.#context;
    const giveUpAt = clock.now() + (options.waitMs ?? DEFAULT_CANCEL_WAIT_MS);
    for (let index = 0; ; index += 1) {
      let status: JobStatus;
      try {
        status = await this.status(options);
      } catch (error) {
        if (error instanceof NotFoundError) return this.#goneStatus();
        throw error;
      }
      if (status.terminal) return status;
      const remaining = giveUpAt - clock.now();
      if (remaining <= 0) {
        logger.warn('cancel requested, but the job is still running', {
          jobId: this.id,
          state: status.state,
        });
        return status;
      }
      await clock.sleep(Math.min(pollDelay(this.#context.poll, index), remaining), options.signal);
    }
  }

  /** Whether this handle requested a cancel. */
  get cancelRequested(): boolean {
    return this.#cancelRequested;
  }

  async discard(options: CallOptions = {}): Promise<'discarded' | 'already-gone'> {
    await this.#context.ready(options.signal);
    const result = await this.#context.backend.discardJob(this.id, options);
    if (result === 'already-gone') {
      this.#context.logger.warn('job was already gone when discarding it (HTTP 404)', { jobId: this.id });
    } else {
      this.#context.logger.debug('discarded job', { jobId: this.id });
    }
    return result;
  }

  async outputs(options: OutputsOptions = {}): Promise<Record<string, unknown>> {
    const status =
      this.#last?.terminal && this.#last.outputs !== undefined ? this.#last : await this.status(options);
    this.#checkOutputsUsable(status, options.acceptPartial ?? this.#partialAccepted);
    const expected = await this.#expectedOutputs(options.expect ?? true, options.signal);
    const outputs = status.outputs;
    const missing = expected.filter((name) => outputs === undefined || !Object.hasOwn(outputs, name));
    if (missing.length > 0) {
      const what =
        outputs === undefined ? 'no outputValues at all' : `no ${missing.map((n) => `\`${n}\``).join(', ')}`;
      throw new JobFailedError(
        `job ${this.id}${this.workflow ? ` of ${this.workflow}` : ''} returned ${what}; expected ${expected
          .map((n) => `\`${n}\``)
          .join(', ')} (state ${status.state})`,
        { jobId: this.id, state: status.state, outcome: status.outcome, missingOutputs: missing },
      );
    }
    return outputs ?? {};
  }

  /** Rejects outputs of unfinished or failed jobs, whose `outputValues` are template values. */
  #checkOutputsUsable(status: JobStatus, acceptPartial: boolean): void {
    if (status.outcome === 'succeeded' || (status.partial && acceptPartial)) return;
    const where = `job ${this.id}${this.workflow ? ` of ${this.workflow}` : ''}`;
    if (!status.terminal) {
      throw new InvalidInputError(
        `${where} has not finished (state ${status.state}); wait for it before reading its outputs`,
        { jobId: this.id },
      );
    }
    throw new JobFailedError(
      `${where} ended in state ${status.state}, so its outputs are template values, not results` +
        (status.partial ? ' (accept them with acceptPartial)' : ''),
      { jobId: this.id, state: status.state, outcome: status.outcome, nodeMessages: status.failedNodes },
    );
  }

  async #expectedOutputs(expect: boolean | readonly string[], signal?: AbortSignal): Promise<string[]> {
    if (expect === false) return [];
    if (expect !== true) return [...expect];
    const description = await this.#describe(signal);
    return description ? description.outputs.map((output) => output.name) : [];
  }

  async #describe(signal?: AbortSignal): Promise<WorkflowDescription | undefined> {
    if (this.#description) return this.#description;
    const workflow = this.workflow ?? (await this.status({ signal })).workflow;
    if (!workflow) return undefined;
    this.#description = await this.#context.describe(workflow, signal);
    return this.#description;
  }

  async download(
    name: string,
    dest: string,
    options: CallOptions & { accept?: string } = {},
  ): Promise<DownloadResult> {
    await this.#context.ready(options.signal);
    const resource = await this.#context.backend.openOutputResource(this.id, name, options);
    const file = (await isFolderTarget(dest)) ? fileInFolder(dest, resource.filename ?? name) : dest;
    const bytes = await writeResource(resource, file, {
      name,
      jobId: this.id,
      signal: options.signal,
      clock: this.#context.clock,
    });
    return { name, path: file, bytes, contentType: resource.contentType };
  }

  async downloadOutputs(
    dir: string,
    options: CallOptions & { names?: readonly string[] } = {},
  ): Promise<DownloadResult[]> {
    await this.#context.ready(options.signal);
    const names = new Set<string>(options.names ?? []);
    if (options.names === undefined) {
      for (const resource of (await this.#describe(options.signal))?.outputResources ?? [])
        names.add(resource.name);
      for (const name of await this.#context.backend.listOutputResources(this.id, options)) names.add(name);
    }

    const results: DownloadResult[] = [];
    const used = new Set<string>();
    for (const name of names) {
      const resource = await this.#context.backend.openOutputResource(this.id, name, options);
      let fileName = sanitizeFileName(resource.filename ?? name);
      for (let index = 2; used.has(fileName.toLowerCase()); index += 1) fileName = `${index}-${fileName}`;
      used.add(fileName.toLowerCase());
      const file = fileInFolder(dir, fileName);
      const bytes = await writeResource(resource, file, {
        name,
        jobId: this.id,
        signal: options.signal,
        clock: this.#context.clock,
      });
      results.push({ name, path: file, bytes, contentType: resource.contentType });
    }
    return results;
  }

  #goneStatus(state = 'MISSING_JOB'): JobStatus {
    const base = this.#last;
    return {
      jobId: this.id,
      workflow: this.workflow,
      name: base?.name,
      owner: base?.owner,
      state,
      jobState: undefined,
      outcome: 'gone',
      label: 'gone',
      terminal: true,
      partial: false,
      outputs: undefined,
      outputResources: undefined,
      nodeMessages: [],
      failedNodes: [],
      createdAt: base?.createdAt,
      startedAt: base?.startedAt,
      finishedAt: base?.finishedAt,
      durationMs: base?.durationMs,
    };
  }
}

function overallLimit(started: number, options: WaitOptions): Limit | undefined {
  const candidates: Limit[] = [];
  if (options.timeoutMs !== undefined) {
    candidates.push({ clock: 'deadline', at: started + options.timeoutMs, limitMs: options.timeoutMs });
  }
  if (options.deadline !== undefined) {
    candidates.push({
      clock: 'deadline',
      at: options.deadline,
      limitMs: Math.max(0, options.deadline - started),
    });
  }
  return candidates.sort((a, b) => a.at - b.at)[0];
}

function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof ServerError) return true;
  if (error instanceof TimeoutError) return error.clock === 'request';
  return error instanceof ProtocolError && (error as { transient?: boolean }).transient === true;
}

function describeMessages(status: JobStatus): string {
  const messages = status.failedNodes.length > 0 ? status.failedNodes : status.nodeMessages;
  if (messages.length === 0) return '';
  return `: ${messages.map((message) => (message.node ? `${message.node}: ${message.message}` : message.message)).join('; ')}`;
}

function partialHint(status: JobStatus): string {
  return status.partial ? ' (the job produced content; accept it with acceptPartial)' : '';
}
