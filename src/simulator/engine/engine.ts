import { randomUUID } from 'node:crypto';
import type { SimClock } from '../common/clock.js';
import type { WorkflowModel, Workspace } from '../workspace/model.js';
import { EngineError } from './errors.js';
import { type ExecutionRequest, resolveInputs, type UploadedFile } from './inputs.js';
import { computeOutputValues, type ResourceContent, resourceContent } from './outputs.js';
import { type BehaviourDefaults, findResource, type RunBehaviour, resolveBehaviour } from './sidecar.js';
import { isExecutedState, isExecutionSettled, isInExecution, type JobState } from './states.js';
import { EngineStats } from './stats.js';

/** Engine choices for behaviours that KNIME Server's public sources leave open. */
export interface EngineOptions {
  /** State of a job once loading ended. @default 'IDLE' */
  readyState: 'IDLE' | 'CONFIGURED';
  /** Behaviour when an executing job is discarded. @default 'cancel-then-remove' */
  discardExecuting: 'cancel-then-remove' | 'reject';
  /** Behaviour when an executed job is executed again without `reset=true`. @default 'reject' */
  executeWithoutReset: 'reject' | 'ignore';
  /** Behaviour when a swapped job is used: load it back silently, or reject until it is loaded. @default 'reload' */
  swappedJobs: 'reload' | 'reject';
  /** Check each input value's JSON shape against its node kind. @default true */
  checkValueShapes: boolean;
  /** Load and execution times of workflows whose sidecar sets none, in simulated ms. */
  defaults: BehaviourDefaults;
  /** Generator of job ids. @default crypto.randomUUID */
  newJobId: () => string;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  readyState: 'IDLE',
  discardExecuting: 'cancel-then-remove',
  executeWithoutReset: 'reject',
  swappedJobs: 'reload',
  checkValueShapes: true,
  defaults: { loadMs: 50, durationMs: 200 },
  newJobId: () => randomUUID(),
};

/** Engine options as callers pass them: every field optional, `defaults` merged field by field. */
export type EngineOptionsInput = Partial<Omit<EngineOptions, 'defaults'>> & {
  defaults?: Partial<BehaviourDefaults>;
};

/** One entry of a job's `nodeMessages`. */
export interface NodeMessage {
  readonly node: string;
  readonly messageType: 'ERROR' | 'WARNING';
  readonly message: string;
}

/** Read-only copy of a job, as the HTTP layer serialises it. Times are epoch milliseconds. */
export interface JobSnapshot {
  readonly id: string;
  readonly name: string;
  readonly workflow: string;
  readonly owner: string;
  readonly state: JobState;
  readonly createdAt: number;
  readonly startedExecutionAt?: number;
  readonly finishedExecutionAt?: number;
  readonly createdVia: string;
  readonly isSwapped: boolean;
  readonly discardAfterSuccessfulExec: boolean;
  readonly discardAfterFailedExec: boolean;
  readonly nodeMessages: readonly NodeMessage[];
  /** Current input values keyed by published name: the examples, overwritten by the inputs sent. */
  readonly inputParameters: Readonly<Record<string, unknown>>;
  /** Absent when the workflow has no output parameter. */
  readonly outputValues?: Readonly<Record<string, unknown>>;
  /** Number of executions started on this job. */
  readonly executions: number;
}

export interface CreateJobOptions {
  /** @default 'rest api' */
  createdVia?: string;
  discardAfterSuccessfulExec?: boolean;
  discardAfterFailedExec?: boolean;
}

export interface ExecuteOptions {
  reset?: boolean;
}

/** Handle of one execute request, passed to {@link JobEngine.waitForExecution}. */
export interface ExecutionTicket {
  readonly jobId: string;
  /** Sequence number of the execution on its job; 0 when the request started none. */
  readonly execution: number;
}

export interface WaitOptions {
  /** Clock time (epoch ms) at which the wait gives up; undefined waits without limit. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface WaitResult {
  /** `settled`: the execution ended, paused or the job is gone. `timeout`: the deadline passed first. */
  readonly outcome: 'settled' | 'timeout';
  /** The job as it was at that moment; also for a job removed right after (auto-discard). */
  readonly job: JobSnapshot;
}

interface Job {
  readonly id: string;
  readonly name: string;
  readonly workflow: WorkflowModel;
  readonly behaviour: RunBehaviour;
  readonly owner: string;
  readonly createdAt: number;
  readonly createdVia: string;
  readonly discardAfterSuccessfulExec: boolean;
  readonly discardAfterFailedExec: boolean;
  state: JobState;
  startedExecutionAt?: number;
  finishedExecutionAt?: number;
  isSwapped: boolean;
  nodeMessages: NodeMessage[];
  inputs: Map<string, unknown>;
  files: Map<string, UploadedFile>;
  outputValues?: Record<string, unknown>;
  /** Executions requested so far; the latest may still wait for loading to end. */
  requested: number;
  /** Executions that have ended, paused or were dropped. */
  settled: number;
  /** Execution requested while the job was loading. */
  pendingStart: boolean;
  cancelTimer?: () => void;
}

/**
 * Jobs of a simulated KNIME Server, driven by a {@link SimClock}. It does not depend on HTTP, so
 * other simulators can reuse it.
 *
 * Lifecycle: {@link createJob} → `LOADING` for the sidecar's `loadMs` → `IDLE` (or `CONFIGURED`),
 * `NOT_EXECUTABLE` or `LOAD_ERROR`. {@link execute} → `EXECUTING` for `durationMs` → the sidecar's
 * outcome. {@link cancel}, {@link discard}, {@link swap} and the test hooks {@link vanish},
 * {@link markDiscarded} and {@link forceState} change jobs from outside.
 */
export class JobEngine {
  readonly stats = new EngineStats();
  readonly options: EngineOptions;

  readonly #workspace: Workspace;
  readonly #clock: SimClock;
  readonly #behaviours = new Map<string, RunBehaviour>();
  readonly #jobs = new Map<string, Job>();
  readonly #listeners = new Map<string, Set<(job: JobSnapshot) => void>>();

  /**
   * @throws {SidecarError} when a workflow's `knimectl-simulation.json` is invalid; every sidecar is
   *   checked here, so a bad file fails the start and not a later request.
   */
  constructor(workspace: Workspace, clock: SimClock, options: EngineOptionsInput = {}) {
    this.#workspace = workspace;
    this.#clock = clock;
    this.options = {
      ...DEFAULT_ENGINE_OPTIONS,
      ...options,
      defaults: { ...DEFAULT_ENGINE_OPTIONS.defaults, ...options.defaults },
    };
    for (const workflow of workspace.workflows()) {
      this.#behaviours.set(workflow.path, resolveBehaviour(workflow, this.options.defaults));
    }
  }

  get workspace(): Workspace {
    return this.#workspace;
  }

  get clock(): SimClock {
    return this.#clock;
  }

  /** Validated run behaviour of the workflow at `path`. */
  behaviourOf(path: string): RunBehaviour | undefined {
    return this.#behaviours.get(path);
  }

  /**
   * Creates a job of the workflow at `workflowPath` and starts loading it.
   *
   * @throws {EngineError} `workflow-not-found` or `not-a-workflow`.
   */
  createJob(workflowPath: string, owner: string, options: CreateJobOptions = {}): JobSnapshot {
    const workflow = this.workflowAt(workflowPath);
    const behaviour = this.#behaviours.get(workflow.path);
    if (!behaviour) throw new EngineError('workflow-not-found', `Workflow ${workflow.path} does not exist`);

    const now = this.#clock.now();
    const job: Job = {
      id: this.options.newJobId(),
      name: `${workflow.name} ${jobNameTime(now)}`,
      workflow,
      behaviour,
      owner,
      createdAt: now,
      createdVia: options.createdVia ?? 'rest api',
      discardAfterSuccessfulExec: options.discardAfterSuccessfulExec ?? false,
      discardAfterFailedExec: options.discardAfterFailedExec ?? false,
      state: 'LOADING',
      isSwapped: false,
      nodeMessages: [],
      inputs: new Map(workflow.inputs.map((p) => [p.name, structuredClone(p.example)])),
      files: new Map(),
      outputValues: computeOutputValues(workflow, behaviour, new Map(), true),
      requested: 0,
      settled: 0,
      pendingStart: false,
    };
    this.#jobs.set(job.id, job);
    this.stats.jobsCreated++;

    this.#schedule(job, behaviour.loadMs, () => this.#finishLoading(job));
    return snapshot(job);
  }

  /**
   * Resolves a repository path to its workflow.
   *
   * @throws {EngineError} `workflow-not-found` or `not-a-workflow`.
   */
  workflowAt(path: string): WorkflowModel {
    const item = this.#workspace.find(path);
    if (!item) throw new EngineError('workflow-not-found', `Workflow ${path} does not exist`);
    if (item.type !== 'Workflow' || !item.workflow) {
      throw new EngineError('not-a-workflow', `${item.path || '/'} is a ${item.type}, not a workflow`);
    }
    return item.workflow;
  }

  getJob(id: string): JobSnapshot | undefined {
    const job = this.#jobs.get(id);
    return job ? snapshot(job) : undefined;
  }

  /** Jobs in creation order, optionally only those of one owner or one workflow. */
  listJobs(filter: { owner?: string; workflow?: string } = {}): JobSnapshot[] {
    return [...this.#jobs.values()]
      .filter((job) => filter.owner === undefined || job.owner === filter.owner)
      .filter((job) => filter.workflow === undefined || job.workflow.path === filter.workflow)
      .map(snapshot);
  }

  /**
   * Applies new inputs and starts an execution. A job still loading starts once loading ends.
   *
   * @throws {EngineError} `job-not-found`, `busy` (knime-core's "Cannot apply new parameters -
   *   workflow still in execution"), `needs-reset`, `not-executable`, `swap-conflict` or
   *   `invalid-input`.
   */
  execute(id: string, request: ExecutionRequest, options: ExecuteOptions = {}): ExecutionTicket {
    const job = this.#require(id);

    if (isInExecution(job.state) || job.pendingStart) {
      throw new EngineError('busy', 'Cannot apply new parameters - workflow still in execution');
    }
    if (!canExecuteFrom(job.state)) {
      throw new EngineError('not-executable', `Job ${job.id} cannot be executed in state ${job.state}`);
    }
    if (isExecutedState(job.state) && !options.reset) {
      if (this.options.executeWithoutReset === 'ignore') return { jobId: job.id, execution: 0 };
      throw new EngineError(
        'needs-reset',
        `Job ${job.id} has already been executed (state ${job.state}); send reset=true to execute it again`,
      );
    }
    this.#ensureLoaded(job);

    const inputs = resolveInputs(job.workflow, request, { checkValueShapes: this.options.checkValueShapes });
    for (const [name, value] of inputs.values) job.inputs.set(name, value);
    for (const [name, file] of inputs.files) job.files.set(name, file);

    job.requested++;
    const ticket = { jobId: job.id, execution: job.requested };
    if (job.state === 'LOADING') {
      job.pendingStart = true;
    } else {
      this.#startExecution(job);
    }
    return ticket;
  }

  /**
   * Waits on the simulated clock until the execution of `ticket` ends, pauses for interaction, or
   * the job disappears; or until `deadlineMs`. Rejects with the signal's reason on abort.
   *
   * @throws {EngineError} `job-not-found` (as a rejection) when the job does not exist.
   */
  waitForExecution(ticket: ExecutionTicket, options: WaitOptions = {}): Promise<WaitResult> {
    return this.#wait(ticket.jobId, (job) => job.settled >= ticket.execution && !job.pendingStart, options);
  }

  /**
   * Waits until the job has left `LOADING` (or was discarded), or until `deadlineMs`.
   *
   * @throws {EngineError} `job-not-found` (as a rejection) when the job does not exist.
   */
  waitForLoad(id: string, options: WaitOptions = {}): Promise<WaitResult> {
    return this.#wait(id, (job) => job.state !== 'LOADING', options);
  }

  #wait(id: string, isDone: (job: Job) => boolean, options: WaitOptions): Promise<WaitResult> {
    return new Promise((resolve, reject) => {
      const job = this.#jobs.get(id);
      if (!job) {
        reject(new EngineError('job-not-found', `Job ${id} does not exist`));
        return;
      }
      if (options.signal?.aborted) {
        reject(options.signal.reason);
        return;
      }
      if (isDone(job)) {
        resolve({ outcome: 'settled', job: snapshot(job) });
        return;
      }
      if (options.deadlineMs !== undefined && options.deadlineMs <= this.#clock.now()) {
        resolve({ outcome: 'timeout', job: snapshot(job) });
        return;
      }

      const listeners = this.#listenersOf(id);
      let cancelDeadline: (() => void) | undefined;
      const finish = (result: WaitResult | { error: unknown }) => {
        listeners.delete(onChange);
        if (listeners.size === 0 && this.#listeners.get(id) === listeners) this.#listeners.delete(id);
        cancelDeadline?.();
        options.signal?.removeEventListener('abort', onAbort);
        if ('error' in result) reject(result.error);
        else resolve(result);
      };
      const onChange = (current: JobSnapshot) => {
        const live = this.#jobs.get(id);
        if (!live || isDone(live)) finish({ outcome: 'settled', job: current });
      };
      const onAbort = () => finish({ error: options.signal?.reason });

      listeners.add(onChange);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.deadlineMs !== undefined) {
        cancelDeadline = this.#clock.setTimer(options.deadlineMs, () => {
          const live = this.#jobs.get(id);
          finish({ outcome: 'timeout', job: snapshot(live ?? job) });
        });
      }
    });
  }

  /**
   * Cancels the running or pending execution of a job. Returns false, changing nothing, when the job
   * is not loading or executing.
   *
   * @throws {EngineError} `job-not-found`.
   */
  cancel(id: string): boolean {
    const job = this.#require(id);
    if (!isInExecution(job.state) && job.state !== 'LOADING') return false;

    job.cancelTimer?.();
    job.cancelTimer = undefined;
    job.pendingStart = false;
    job.finishedExecutionAt = this.#clock.now();
    job.outputValues = computeOutputValues(job.workflow, job.behaviour, job.inputs, true);
    job.settled = job.requested;
    this.stats.cancels++;
    this.#setState(job, 'EXECUTION_CANCELLED');
    return true;
  }

  /**
   * Discards a job: frees it and makes later requests for it fail with `job-not-found`. An
   * executing job is cancelled first, unless the engine is configured to reject that.
   *
   * @throws {EngineError} `job-not-found` or `discard-executing`.
   */
  discard(id: string): void {
    const job = this.#require(id);
    if (isInExecution(job.state) || job.pendingStart) {
      if (this.options.discardExecuting === 'reject') {
        throw new EngineError(
          'discard-executing',
          `Job ${job.id} is executing; cancel it before discarding it`,
        );
      }
      this.cancel(id);
    }
    this.#remove(job);
    this.stats.discards++;
  }

  /**
   * Forces the job to be swapped out (`isSwapped: true`).
   *
   * @throws {EngineError} `job-not-found`, or `swap-conflict` for an executing job.
   */
  swap(id: string): JobSnapshot {
    const job = this.#require(id);
    if (isInExecution(job.state) || job.state === 'LOADING') {
      throw new EngineError('swap-conflict', `Job ${job.id} is ${job.state} and cannot be swapped`);
    }
    job.isSwapped = true;
    this.#notify(job);
    return snapshot(job);
  }

  /** Loads a swapped job back. @throws {EngineError} `job-not-found`. */
  load(id: string): JobSnapshot {
    const job = this.#require(id);
    job.isSwapped = false;
    this.#notify(job);
    return snapshot(job);
  }

  /**
   * Bytes of an output resource of a job.
   *
   * @throws {EngineError} `job-not-found`, `swap-conflict`, or `resource-not-found` when the name is
   *   unknown or the job has not produced its outputs (state other than `EXECUTION_FINISHED`,
   *   `EXECUTION_FAILED_WITH_CONTENT` or `EXECUTED`).
   */
  outputResource(id: string, name: string): ResourceContent {
    const job = this.#require(id);
    const resource = findResource(job.workflow.outputResources, name);
    if (!resource) {
      const valid = job.workflow.outputResources.map((r) => JSON.stringify(r.name)).join(', ');
      throw new EngineError(
        'resource-not-found',
        `Job ${job.id} has no output resource "${name}"; valid names are: [${valid}]`,
      );
    }
    if (!['EXECUTION_FINISHED', 'EXECUTION_FAILED_WITH_CONTENT', 'EXECUTED'].includes(job.state)) {
      throw new EngineError(
        'resource-not-found',
        `Output resource "${resource.name}" of job ${job.id} is not available in state ${job.state}`,
      );
    }
    this.#ensureLoaded(job);
    return resourceContent(resource, job.behaviour, job.files, job.id, job.workflow.inputResources);
  }

  /** Test hook: the job's executor is lost. Its state becomes `VANISHED` and it stops running. */
  vanish(id: string): JobSnapshot {
    return this.forceState(id, 'VANISHED');
  }

  /** Test hook: the server discarded the job on its own, but it still shows up as `DISCARDED`. */
  markDiscarded(id: string): JobSnapshot {
    return this.forceState(id, 'DISCARDED');
  }

  /**
   * Test hook: puts the job into `state` at once, stopping any scheduled transition. Produces states
   * the sidecar cannot, such as `UNDEFINED` or the legacy `EXECUTED` and `RUNNING`.
   *
   * @throws {EngineError} `job-not-found`.
   */
  forceState(id: string, state: JobState): JobSnapshot {
    const job = this.#require(id);
    job.cancelTimer?.();
    job.cancelTimer = undefined;
    job.pendingStart = false;
    if (isExecutionSettled(state) || !isInExecution(state)) job.settled = job.requested;
    this.#setState(job, state);
    return snapshot(job);
  }

  #require(id: string): Job {
    const job = this.#jobs.get(id);
    if (!job) throw new EngineError('job-not-found', `Job ${id} does not exist`);
    return job;
  }

  #ensureLoaded(job: Job): void {
    if (!job.isSwapped) return;
    if (this.options.swappedJobs === 'reject') {
      throw new EngineError('swap-conflict', `Job ${job.id} is swapped out; load it before using it`);
    }
    job.isSwapped = false;
  }

  #finishLoading(job: Job): void {
    const { outcome, failure } = job.behaviour;
    if (outcome === 'load-error' || outcome === 'not-executable') {
      job.nodeMessages = [{ node: failure.node, messageType: 'ERROR', message: failure.message }];
      job.pendingStart = false;
      job.settled = job.requested;
      this.#setState(job, outcome === 'load-error' ? 'LOAD_ERROR' : 'NOT_EXECUTABLE');
      return;
    }

    if (job.pendingStart) {
      job.pendingStart = false;
      this.#startExecution(job);
      return;
    }
    this.#setState(job, this.options.readyState);
  }

  #startExecution(job: Job): void {
    const path = job.workflow.path;
    job.startedExecutionAt = this.#clock.now();
    job.finishedExecutionAt = undefined;
    job.nodeMessages = [];
    job.outputValues = computeOutputValues(job.workflow, job.behaviour, job.inputs, true);

    this.stats.executionsStarted++;
    this.stats.executionsByWorkflow.set(path, (this.stats.executionsByWorkflow.get(path) ?? 0) + 1);
    this.stats.executionsByJob.set(job.id, (this.stats.executionsByJob.get(job.id) ?? 0) + 1);
    this.#setState(job, 'EXECUTING');

    this.#schedule(job, job.behaviour.durationMs, () => this.#finishExecution(job));
  }

  #finishExecution(job: Job): void {
    const { outcome, failure } = job.behaviour;
    const failureMessage: NodeMessage = {
      node: failure.node,
      messageType: 'ERROR',
      message: failure.message,
    };
    job.finishedExecutionAt = this.#clock.now();
    job.settled = job.requested;

    let state: JobState;
    switch (outcome) {
      case 'failure':
        state = 'EXECUTION_FAILED';
        job.nodeMessages = [failureMessage];
        break;
      case 'failure-with-content':
        state = 'EXECUTION_FAILED_WITH_CONTENT';
        job.nodeMessages = [failureMessage];
        job.outputValues = computeOutputValues(job.workflow, job.behaviour, job.inputs, false);
        break;
      case 'interaction-required':
        state = 'INTERACTION_REQUIRED';
        job.finishedExecutionAt = undefined;
        job.nodeMessages = [{ ...failureMessage, messageType: 'WARNING' }];
        break;
      default:
        state = 'EXECUTION_FINISHED';
        job.outputValues = computeOutputValues(job.workflow, job.behaviour, job.inputs, false);
        break;
    }
    this.stats.executionsFinished++;
    this.#setState(job, state);

    const discard =
      (state === 'EXECUTION_FINISHED' && job.discardAfterSuccessfulExec) ||
      ((state === 'EXECUTION_FAILED' || state === 'EXECUTION_FAILED_WITH_CONTENT') &&
        job.discardAfterFailedExec);
    if (discard) {
      this.#remove(job);
      this.stats.discards++;
    }
  }

  /** Runs `action` after `delayMs` of simulated time, or at once when the delay is 0. */
  #schedule(job: Job, delayMs: number, action: () => void): void {
    if (delayMs <= 0) {
      action();
      return;
    }
    job.cancelTimer = this.#clock.setTimer(this.#clock.now() + delayMs, () => {
      job.cancelTimer = undefined;
      action();
    });
  }

  #setState(job: Job, state: JobState): void {
    if (job.state === 'EXECUTING' && state !== 'EXECUTING') this.stats.currentlyExecuting--;
    if (job.state !== 'EXECUTING' && state === 'EXECUTING') {
      this.stats.currentlyExecuting++;
      this.stats.maxConcurrentExecutions = Math.max(
        this.stats.maxConcurrentExecutions,
        this.stats.currentlyExecuting,
      );
    }
    job.state = state;
    this.#notify(job);
  }

  #remove(job: Job): void {
    job.cancelTimer?.();
    job.cancelTimer = undefined;
    if (job.state === 'EXECUTING') this.stats.currentlyExecuting--;
    this.#jobs.delete(job.id);
    const final = snapshot(job);
    for (const listener of [...(this.#listeners.get(job.id) ?? [])]) listener(final);
    this.#listeners.delete(job.id);
  }

  #listenersOf(id: string): Set<(job: JobSnapshot) => void> {
    let listeners = this.#listeners.get(id);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(id, listeners);
    }
    return listeners;
  }

  #notify(job: Job): void {
    const listeners = this.#listeners.get(job.id);
    if (!listeners || listeners.size === 0) return;
    const current = snapshot(job);
    for (const listener of [...listeners]) listener(current);
  }
}

function canExecuteFrom(state: JobState): boolean {
  return state === 'LOADING' || state === 'IDLE' || state === 'CONFIGURED' || isExecutedState(state);
}

function snapshot(job: Job): JobSnapshot {
  return {
    id: job.id,
    name: job.name,
    workflow: job.workflow.path,
    owner: job.owner,
    state: job.state,
    createdAt: job.createdAt,
    ...(job.startedExecutionAt === undefined ? {} : { startedExecutionAt: job.startedExecutionAt }),
    ...(job.finishedExecutionAt === undefined ? {} : { finishedExecutionAt: job.finishedExecutionAt }),
    createdVia: job.createdVia,
    isSwapped: job.isSwapped,
    discardAfterSuccessfulExec: job.discardAfterSuccessfulExec,
    discardAfterFailedExec: job.discardAfterFailedExec,
    nodeMessages: job.nodeMessages.map((m) => ({ ...m })),
    inputParameters: Object.fromEntries([...job.inputs].map(([k, v]) => [k, structuredClone(v)])),
    ...(job.outputValues === undefined ? {} : { outputValues: structuredClone(job.outputValues) }),
    executions: job.requested,
  };
}

/** `yyyy-MM-dd HH.mm.ss` in UTC, the time part of KNIME job names. */
function jobNameTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19).replaceAll(':', '.')}`;
}
