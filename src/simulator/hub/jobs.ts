import type { JobEngine, JobSnapshot, NodeMessage } from '../engine/engine.js';
import type { ExecutionRequest } from '../engine/inputs.js';
import type { Account } from './accounts.js';
import type { HubCaller } from './auth.js';
import type { ExecutionContext, ExecutionContexts } from './contexts.js';
import { HubError } from './http.js';
import type { DeploymentType, HubAppOptions } from './options.js';
import type { WorkflowReference } from './spaces.js';
import { CAPACITY_LOAD_ERROR_STATES, deriveHubStates, type HubStates, QUEUED_STATES } from './states.js';

/** Identity a job runs as, and the origin of the job. */
export interface JobOrigin {
  readonly scope: string;
  readonly creator: Account;
  readonly initiator: { readonly id: string; readonly name: string };
  readonly createdVia: string;
  readonly createdBy?: string;
  readonly deployment?: { readonly id: string; readonly type: DeploymentType };
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly actions: readonly unknown[];
  readonly discardAfterSuccessfulExec: boolean;
  readonly discardAfterFailedExec: boolean;
  readonly requiredExecutionContextFeatures: readonly string[];
}

/** A Hub job: the engine job plus what the Hub adds around it. */
export interface HubJob {
  readonly id: string;
  readonly reference: WorkflowReference;
  readonly context: ExecutionContext;
  /** Replaced as a whole by `PUT /jobs/{uuid}` (discard flags, actions). */
  origin: JobOrigin;
  readonly createdAt: number;
  /** Name set with `PUT /jobs/{uuid}`; the engine's generated name otherwise. */
  name?: string;
  /** Id of the engine job; undefined while the job waits for a slot or after a capacity load error. */
  engineId: string | undefined;
  /** Waiting for a free slot in its execution context. */
  queued: boolean;
  /** The load was rejected for lack of capacity. */
  capacityError: boolean;
  /** Clock time of the last state change this layer made, for `lastJobStatusUpdate`. */
  updatedAt: number;
  /**
   * Inputs given at creation (`pm:` query parameters of `POST /deployments/{id}/jobs`); the first
   * execution applies them beneath the inputs of its own request.
   */
  presetInputs: Record<string, unknown>;
}

/** A job as serialised: the record, its engine snapshot (if any) and its derived states. */
export interface JobView {
  readonly job: HubJob;
  readonly snapshot: JobSnapshot | undefined;
  readonly states: HubStates;
}

export interface CreateOptions {
  readonly reference: WorkflowReference;
  readonly context: ExecutionContext;
  readonly origin: JobOrigin;
  /** Load timeout in ms. */
  readonly timeoutMs: number;
  readonly asyncLoading: boolean;
  readonly presetInputs?: Record<string, unknown>;
  readonly signal?: AbortSignal;
}

export interface ExecuteRequestOptions {
  readonly reset: boolean;
  readonly async: boolean;
  /** Synchronous execution timeout in ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

interface SlotWaiter {
  readonly context: ExecutionContext;
  readonly admit: () => void;
}

/**
 * Jobs of the simulated Hub on top of the HTTP-free {@link JobEngine}: execution-context capacity,
 * load and execution timeouts, discard flags and the Hub's state fields.
 */
export class HubJobs {
  readonly #engine: JobEngine;
  readonly #contexts: ExecutionContexts;
  readonly #options: HubAppOptions;
  readonly #jobs = new Map<string, HubJob>();
  /** Jobs and synchronous requests waiting for a slot, first come first served. */
  #waiters: SlotWaiter[] = [];

  constructor(engine: JobEngine, contexts: ExecutionContexts, options: HubAppOptions) {
    this.#engine = engine;
    this.#contexts = contexts;
    this.#options = options;
  }

  get engine(): JobEngine {
    return this.#engine;
  }

  /** Jobs that hold a slot of `context`: loaded or loading, not failed to load, not discarded. */
  loadedJobs(context: ExecutionContext): number {
    let count = 0;
    for (const job of this.#jobs.values()) {
      if (job.context.id !== context.id || job.engineId === undefined) continue;
      const state = this.#engine.getJob(job.engineId)?.state;
      if (state && state !== 'LOAD_ERROR' && state !== 'VANISHED' && state !== 'DISCARDED') count++;
    }
    return count;
  }

  /** Jobs in `context`, in creation order. */
  jobsIn(context: ExecutionContext): HubJob[] {
    return [...this.#jobs.values()].filter((job) => job.context.id === context.id);
  }

  all(): HubJob[] {
    return [...this.#jobs.values()];
  }

  /**
   * Creates a job. With `asyncLoading` it returns at once, and the job is queued when the context is
   * full. Without it, the call waits for a slot and for the load, up to `timeoutMs`.
   *
   * @throws {HubError} 504 when the slot or the load did not come in time (the job is then discarded).
   */
  async create(options: CreateOptions): Promise<JobView> {
    const clock = this.#engine.clock;
    const deadlineMs = clock.now() + options.timeoutMs;
    const hasSlot = () =>
      this.#contexts.freeSlots(options.context, this.loadedJobs(options.context)) > 0 &&
      !this.#waiters.some((waiter) => waiter.context.id === options.context.id);

    let job: HubJob;
    if (hasSlot()) {
      job = this.#start(options);
    } else {
      if (options.asyncLoading) return this.view(this.#queue(options, deadlineMs));
      if (this.#options.capacityRejection === 'load-error') return this.view(this.#capacityFailure(options));
      const admitted = await this.#waitForSlot(options, deadlineMs);
      if (!admitted) {
        throw new HubError(504, 'The job could not be loaded in time.', [
          `Execution context '${options.context.name}' (${options.context.id}) has no free executor slot; waited ${options.timeoutMs} ms.`,
        ]);
      }
      job = admitted;
    }
    if (options.asyncLoading) return this.view(job);

    const engineId = job.engineId as string;
    const loaded = await this.#engine.waitForLoad(engineId, { deadlineMs, signal: options.signal });
    if (loaded.outcome === 'timeout') {
      this.#discardRecord(job);
      throw new HubError(504, 'The job could not be loaded in time.', [
        `Loading took longer than the load timeout of ${options.timeoutMs} ms; the job was discarded.`,
      ]);
    }
    this.#afterLoad(job);
    return this.view(job);
  }

  #newRecord(options: CreateOptions, id: string, engineId: string | undefined): HubJob {
    const now = this.#engine.clock.now();
    const job: HubJob = {
      id,
      reference: options.reference,
      context: options.context,
      origin: options.origin,
      createdAt: now,
      engineId,
      queued: engineId === undefined,
      capacityError: false,
      updatedAt: now,
      presetInputs: { ...options.presetInputs },
    };
    this.#jobs.set(id, job);
    return job;
  }

  #start(options: CreateOptions): HubJob {
    const snapshot = this.#engine.createJob(options.reference.workflow.path, options.origin.creator.id, {
      createdVia: options.origin.createdVia,
    });
    const job = this.#newRecord(options, snapshot.id, snapshot.id);
    this.#engine.waitForLoad(snapshot.id).then(
      () => this.#afterLoad(job),
      () => undefined,
    );
    return job;
  }

  /** A job that waits for a slot; it loads once one is free, or fails to load at the deadline. */
  #queue(options: CreateOptions, deadlineMs: number): HubJob {
    const job = this.#newRecord(options, this.#engine.options.newJobId(), undefined);
    const waiter: SlotWaiter = {
      context: options.context,
      admit: () => {
        cancelTimer();
        if (!this.#jobs.has(job.id)) return;
        const snapshot = this.#engine.createJob(options.reference.workflow.path, options.origin.creator.id, {
          createdVia: options.origin.createdVia,
        });
        // NOTE: a job that waited for a slot keeps the id it was created with, while the engine
        // (and its stats) know it under a new id.
        job.engineId = snapshot.id;
        job.queued = false;
        job.updatedAt = this.#engine.clock.now();
        this.#engine.waitForLoad(snapshot.id).then(
          () => this.#afterLoad(job),
          () => undefined,
        );
      },
    };
    const cancelTimer = this.#engine.clock.setTimer(deadlineMs, () => {
      this.#waiters = this.#waiters.filter((candidate) => candidate !== waiter);
      if (!job.queued) return;
      job.queued = false;
      job.capacityError = true;
      job.updatedAt = this.#engine.clock.now();
    });
    this.#waiters.push(waiter);
    return job;
  }

  #capacityFailure(options: CreateOptions): HubJob {
    const job = this.#newRecord(options, this.#engine.options.newJobId(), undefined);
    job.queued = false;
    job.capacityError = true;
    return job;
  }

  /**
   * Waits for a slot for a synchronous creation. The job starts inside the admission, so the slot
   * is taken before the next waiter is considered. Resolves undefined at the deadline or on abort.
   */
  #waitForSlot(options: CreateOptions, deadlineMs: number): Promise<HubJob | undefined> {
    const { context, signal } = options;
    return new Promise((resolve) => {
      const waiter: SlotWaiter = {
        context,
        admit: () => {
          cancelTimer();
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#start(options));
        },
      };
      const remove = () => {
        this.#waiters = this.#waiters.filter((candidate) => candidate !== waiter);
      };
      const onAbort = () => {
        cancelTimer();
        remove();
        resolve(undefined);
      };
      const cancelTimer = this.#engine.clock.setTimer(deadlineMs, () => {
        signal?.removeEventListener('abort', onAbort);
        remove();
        resolve(undefined);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Hands free slots to waiting jobs and requests, oldest first. */
  #admit(): void {
    for (const waiter of [...this.#waiters]) {
      const free = this.#contexts.freeSlots(waiter.context, this.loadedJobs(waiter.context));
      const queue = this.#waiters.filter((candidate) => candidate.context.id === waiter.context.id);
      if (queue[0] !== waiter || free <= 0) continue;
      this.#waiters = this.#waiters.filter((candidate) => candidate !== waiter);
      waiter.admit();
    }
  }

  #afterLoad(job: HubJob): void {
    job.updatedAt = this.#engine.clock.now();
    // A load error frees the slot at once.
    this.#admit();
  }

  /** Re-checks waiting jobs, for example after an execution context was given more capacity. */
  recheckCapacity(): void {
    this.#admit();
  }

  /** Looks up the job `id` for `caller`. @throws {HubError} 404 unknown or discarded, 403 not allowed. */
  require(id: string, caller: HubCaller, mayAct: (scope: string) => boolean): HubJob {
    const job = this.#jobs.get(id);
    if (!job) throw new HubError(404, `Job '${id}' does not exist.`);
    const own = job.origin.initiator.id === caller.user.id || job.origin.creator.id === caller.user.id;
    if (!own && !mayAct(job.origin.scope)) {
      throw new HubError(403, `You are not allowed to access job '${id}'.`, [], 'PermissionError');
    }
    return job;
  }

  get(id: string): HubJob | undefined {
    return this.#jobs.get(id);
  }

  view(job: HubJob): JobView {
    const snapshot = job.engineId === undefined ? undefined : this.#engine.getJob(job.engineId);
    return { job, snapshot, states: this.#statesOf(job, snapshot) };
  }

  #statesOf(job: HubJob, snapshot: JobSnapshot | undefined): HubStates {
    if (job.queued) return QUEUED_STATES;
    if (job.capacityError) return CAPACITY_LOAD_ERROR_STATES;
    if (!snapshot) return { jobState: 'DISCARDED', workflowState: 'UNDEFINED', state: 'DISCARDED' };
    return deriveHubStates(snapshot.state, snapshot.isSwapped);
  }

  /** Node messages of a job, including the capacity load error that the engine never saw. */
  nodeMessagesOf(view: JobView): NodeMessage[] {
    if (view.job.capacityError) {
      return [
        {
          node: 'Executor',
          messageType: 'ERROR',
          message: `No executor of execution context '${view.job.context.name}' had a free slot within the load timeout.`,
        },
      ];
    }
    return [...(view.snapshot?.nodeMessages ?? [])];
  }

  /**
   * Applies inputs and executes. A synchronous request waits up to `timeoutMs`; when that passes the
   * job is cancelled and the call fails with 504.
   *
   * @throws {HubError} 422 when the job has not loaded (waiting for a slot, or a capacity load error),
   *   504 on a synchronous timeout; {@link EngineError} from the engine.
   */
  async execute(job: HubJob, request: ExecutionRequest, options: ExecuteRequestOptions): Promise<JobView> {
    if (job.queued || job.capacityError || job.engineId === undefined) {
      throw new HubError(
        422,
        `Job '${job.id}' cannot be executed in state ${this.view(job).states.jobState}.`,
        [
          job.queued
            ? 'The job waits for a free slot in its execution context; poll until jobState is LOADED.'
            : 'The job failed to load; create a new job.',
        ],
      );
    }
    const engineId = job.engineId;
    const before = this.view(job);
    const withPresets: ExecutionRequest = { ...request, values: { ...job.presetInputs, ...request.values } };
    const ticket = this.#engine.execute(engineId, withPresets, { reset: options.reset });
    job.presetInputs = {};
    const finished = this.#engine.waitForExecution(ticket);
    finished.then(
      (result) => this.#afterExecution(job, result.job),
      () => undefined,
    );
    job.updatedAt = this.#engine.clock.now();

    if (options.async) {
      return this.#options.asyncExecuteResponse === 'before-start' ? before : this.view(job);
    }

    const result = await this.#engine.waitForExecution(ticket, {
      deadlineMs: this.#engine.clock.now() + options.timeoutMs,
      signal: options.signal,
    });
    if (result.outcome === 'timeout') {
      if (this.#engine.getJob(engineId)) this.#engine.cancel(engineId);
      throw new HubError(504, 'The job did not finish in time.', [
        `Job '${job.id}' did not finish within timeout=${options.timeoutMs} ms and was cancelled.`,
      ]);
    }
    const current = this.#jobs.has(job.id) ? this.view(job) : undefined;
    return (
      current ?? {
        job,
        snapshot: result.job,
        states: deriveHubStates(result.job.state, result.job.isSwapped),
      }
    );
  }

  #afterExecution(job: HubJob, final: JobSnapshot): void {
    job.updatedAt = this.#engine.clock.now();
    const success = final.state === 'EXECUTION_FINISHED';
    const failure = final.state === 'EXECUTION_FAILED' || final.state === 'EXECUTION_FAILED_WITH_CONTENT';
    if (
      (success && job.origin.discardAfterSuccessfulExec) ||
      (failure && job.origin.discardAfterFailedExec)
    ) {
      this.discard(job);
    }
  }

  /**
   * Resets an executed job to the ready state, as `PUT /jobs/{uuid}?reset=true` does.
   *
   * @throws {HubError} 422 while the job executes or has not loaded.
   */
  reset(job: HubJob): void {
    const snapshot = job.engineId === undefined ? undefined : this.#engine.getJob(job.engineId);
    if (
      !snapshot ||
      snapshot.state === 'LOADING' ||
      snapshot.state === 'EXECUTING' ||
      snapshot.state === 'LOAD_ERROR'
    ) {
      throw new HubError(422, `Job '${job.id}' cannot be reset in state ${this.view(job).states.state}.`);
    }
    // NOTE: the engine has no reset of its own, so the job is put into the ready state directly.
    // The previous outputValues stay visible until the next execution replaces them.
    this.#engine.forceState(snapshot.id, this.#options.readyState);
    job.updatedAt = this.#engine.clock.now();
  }

  /** Cancels the execution; a job that is not executing is left as it is. */
  cancel(job: HubJob): void {
    if (job.engineId !== undefined && this.#engine.getJob(job.engineId)) this.#engine.cancel(job.engineId);
    job.updatedAt = this.#engine.clock.now();
  }

  /** Discards the job and frees its slot. */
  discard(job: HubJob): void {
    this.#discardRecord(job);
    this.#admit();
  }

  #discardRecord(job: HubJob): void {
    this.#jobs.delete(job.id);
    if (job.engineId !== undefined && this.#engine.getJob(job.engineId)) this.#engine.discard(job.engineId);
  }
}
