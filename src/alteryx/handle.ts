import type { AlteryxClient } from './client.js';
import {
  AlteryxJobFailedError,
  type AlteryxJobMessage,
  CancelledError,
  KnimeError,
  type TimeoutClock,
  TimeoutError,
} from './errors.js';
import { type AlteryxJobState, isFinalState, jobState } from './outcome.js';
import type { AlteryxJob, AlteryxOutput } from './wire.js';

/** Poll interval settings: the first pause, its growth factor and its cap, in milliseconds. */
export interface AlteryxPollOptions {
  /** @default 1000 */
  initialMs?: number;
  /** @default 1.5 */
  factor?: number;
  /** @default 30000 */
  maxMs?: number;
}

/** Limits and hooks of {@link AlteryxJobHandle.wait}. */
export interface AlteryxWaitOptions {
  /** Overall deadline in epoch milliseconds of the client's clock. */
  deadline?: number;
  /** Overall time limit from the start of the wait, in milliseconds. */
  timeoutMs?: number;
  /** Maximum time the job may stay queued (no worker took it), in milliseconds. */
  queueTimeoutMs?: number;
  /** Maximum time the job may run once a worker took it, in milliseconds. */
  runTimeoutMs?: number;
  /** Aborting stops the wait; the job keeps running on the server. */
  signal?: AbortSignal;
  /** Treat disposition Warning as a failure. @default false */
  warningsAsErrors?: boolean;
  poll?: AlteryxPollOptions;
  /** Called after each read of the job whose state differs from the previous read. */
  onStateChange?: (job: AlteryxJob, state: AlteryxJobState) => void;
}

/** A job that ended with success (disposition Success, or Warning without `warningsAsErrors`). */
export interface AlteryxJobResult {
  job: AlteryxJob;
  state: 'succeeded';
  /** Messages of status 2 (warnings in the simulator's numbering). */
  warnings: readonly AlteryxJobMessage[];
  outputs: readonly AlteryxOutput[];
  /** Time from the start of the wait to the final read, on the client's clock. */
  waitedMs: number;
}

/** Message status numbers as the simulator uses them; the real server does not document them. */
const ERROR_MESSAGE_STATUS = 3;
const WARNING_MESSAGE_STATUS = 2;

/**
 * A queued Alteryx job. Waiting polls `GET v3/jobs/{id}` with growing pauses; the outcome comes
 * from `status` and `disposition` together. There is no `cancel` that stops the job: see
 * {@link AlteryxClient.cancelJob}.
 */
export class AlteryxJobHandle {
  readonly id: string;
  readonly workflowId: string;
  readonly #client: AlteryxClient;
  #last: AlteryxJob;

  constructor(client: AlteryxClient, job: AlteryxJob) {
    this.#client = client;
    this.id = job.id;
    this.workflowId = job.workflowId;
    this.#last = job;
  }

  /** The job as last read. */
  get lastKnown(): AlteryxJob {
    return this.#last;
  }

  /** Reads the job now. */
  async describe(options: { signal?: AbortSignal } = {}): Promise<AlteryxJob> {
    this.#last = await this.#client.getJob(this.id, options);
    return this.#last;
  }

  /**
   * Waits until the job ends and returns its result when it succeeded.
   *
   * @throws AlteryxJobFailedError for a failed job, with its error messages.
   * @throws CancelledError when the job ended `Cancelled`, or `signal` aborted.
   * @throws TimeoutError naming the queue, run or overall clock that ran out.
   */
  async wait(options: AlteryxWaitOptions = {}): Promise<AlteryxJobResult> {
    const clock = this.#client.clock;
    const logger = this.#client.logger;
    const startedAt = clock.now();
    const deadline = Math.min(
      options.deadline ?? Number.POSITIVE_INFINITY,
      options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.timeoutMs,
    );
    const poll = { initialMs: 1000, factor: 1.5, maxMs: 30_000, ...options.poll };
    let interval = poll.initialMs;
    let previous: AlteryxJobState | undefined;
    let phaseStartedAt = startedAt;
    let warnedUnknown = false;

    for (;;) {
      this.#throwIfAborted(options.signal);
      const job = await this.#read(options.signal);
      const state = jobState(job, options.warningsAsErrors);

      if (state !== previous) {
        logger.debug('alteryx job state changed', {
          jobId: this.id,
          state,
          status: job.status,
          disposition: job.disposition,
        });
        if (previous !== undefined) phaseStartedAt = clock.now();
        previous = state;
        interval = poll.initialMs;
        options.onStateChange?.(job, state);
      }

      if (isFinalState(state)) return this.#finish(job, state, clock.now() - startedAt, options.signal);

      if (state === 'unknown' && !warnedUnknown) {
        warnedUnknown = true;
        logger.warn('alteryx job has an unknown status; still polling', {
          jobId: this.id,
          status: job.status,
        });
      }

      const now = clock.now();
      const limits: Array<{ clock: TimeoutClock; at: number; limitMs: number }> = [
        { clock: 'deadline', at: deadline, limitMs: deadline - startedAt },
      ];
      if (state === 'queued' && options.queueTimeoutMs !== undefined) {
        limits.push({
          clock: 'load',
          at: phaseStartedAt + options.queueTimeoutMs,
          limitMs: options.queueTimeoutMs,
        });
      }
      if (state === 'running' && options.runTimeoutMs !== undefined) {
        limits.push({
          clock: 'execution',
          at: phaseStartedAt + options.runTimeoutMs,
          limitMs: options.runTimeoutMs,
        });
      }
      const expired = limits.find((limit) => now >= limit.at);
      if (expired) throw this.#timeout(job, expired.clock, expired.limitMs);

      const nextLimit = Math.min(...limits.map((limit) => limit.at));
      await this.#sleep(Math.min(interval, nextLimit - now), options.signal);
      interval = Math.min(poll.maxMs, interval * poll.factor);
    }
  }

  /** Cancels the job when the client's `cancelRoute` is on; otherwise throws AlteryxCancelUnsupportedError. */
  cancel(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#client.cancelJob(this.id, options);
  }

  async #read(signal: AbortSignal | undefined): Promise<AlteryxJob> {
    this.#last = await this.#client.getJob(this.id, { signal });
    return this.#last;
  }

  async #finish(
    job: AlteryxJob,
    state: AlteryxJobState,
    waitedMs: number,
    signal: AbortSignal | undefined,
  ): Promise<AlteryxJobResult> {
    const pair = `status ${job.status}, disposition ${job.disposition || '(empty)'}`;

    if (state === 'cancelled') {
      throw new CancelledError(`Alteryx job ${this.id} was cancelled on the server (${pair})`, {
        jobId: this.id,
        state: job.status,
      });
    }

    if (state === 'failed') {
      const messages = await this.#failureMessages(job, signal);
      const shown = messages
        .slice(0, 5)
        .map((message) => `tool ${message.toolId}: ${message.text}`)
        .join('; ');
      throw new AlteryxJobFailedError(
        `Alteryx job ${this.id} of workflow ${job.workflowId || this.workflowId} failed (${pair})${shown ? `: ${shown}` : ''}`,
        { jobId: this.id, jobStatus: job.status, disposition: job.disposition, messages },
      );
    }

    const warnings = job.messages.filter((message) => message.status === WARNING_MESSAGE_STATUS);
    return { job, state: 'succeeded', warnings, outputs: job.outputs, waitedMs };
  }

  /**
   * Returns the error messages of a failed job, or all of its messages when none is an error. When
   * the job read carried none, the admin-only messages route is tried once.
   */
  async #failureMessages(job: AlteryxJob, signal: AbortSignal | undefined): Promise<AlteryxJobMessage[]> {
    let messages: AlteryxJobMessage[] = [...job.messages];
    if (messages.length === 0) {
      try {
        messages = await this.#client.getJobMessages(this.id, { signal });
      } catch (error) {
        if (!(error instanceof KnimeError) || error instanceof CancelledError) throw error;
        this.#client.logger.debug('alteryx job messages route unavailable', {
          jobId: this.id,
          error: error.message,
        });
      }
    }
    const errors = messages.filter((message) => message.status === ERROR_MESSAGE_STATUS);
    return errors.length > 0 ? errors : messages;
  }

  #timeout(job: AlteryxJob, clock: TimeoutClock, limitMs: number): TimeoutError {
    const what: Record<TimeoutClock, string> = {
      deadline: 'the overall deadline of the wait',
      load: `the queue timeout; no worker took it, so check the worker tag ('${job.workerTag}') and that workers are running`,
      execution: 'the run timeout',
      request: 'the request timeout',
      'no-progress': 'the no-progress timeout',
      cancel: 'the cancel timeout',
    };
    return new TimeoutError(
      `Alteryx job ${this.id} is still ${job.status} after ${limitMs} ms, ${what[clock]}. The job keeps running on the server because Alteryx Server API V3 has no cancel call`,
      { jobId: this.id, clock, limitMs, lastState: job.status },
    );
  }

  #throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw new CancelledError(
        `waiting for Alteryx job ${this.id} was aborted; the job keeps running on the server because Alteryx Server API V3 has no cancel call`,
        { jobId: this.id, cause: signal.reason },
      );
    }
  }

  async #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#client.clock.sleep(Math.max(0, ms), signal);
    } catch {
      this.#throwIfAborted(signal);
      throw new Error('sleep of the Alteryx wait failed without an abort');
    }
  }
}
