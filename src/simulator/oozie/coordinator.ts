import type { SimClock } from '../common/clock.js';
import type { CoordinatorApp, OozieSimulatorConfig } from './options.js';
import { isTerminal, type JobIdentity, type WorkflowJob } from './workflow.js';

/** One materialised coordinator action and the workflow job it runs. */
export interface CoordinatorActionRecord {
  id: string;
  actionNumber: number;
  status: string;
  createdMs: number;
  nominalMs: number;
  lastModMs: number;
  externalId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** Clock, config and job store callbacks that a coordinator uses. */
export interface CoordinatorContext {
  clock: SimClock;
  config: OozieSimulatorConfig;
  /** Submits and starts the workflow job of one coordinator action. */
  launchWorkflow(coordinator: CoordinatorJob, action: CoordinatorActionRecord): WorkflowJob;
  findWorkflow(id: string): WorkflowJob | undefined;
}

const FINISHED = new Set(['SUCCEEDED', 'KILLED', 'FAILED', 'DONEWITHERROR', 'IGNORED']);

/**
 * A simulated coordinator job. It stays `PREP` until its start delay has passed, then runs its
 * actions one after the other (concurrency 1); each action runs one workflow job. It ends
 * `SUCCEEDED` when every workflow succeeded and `DONEWITHERROR` otherwise.
 */
export class CoordinatorJob {
  readonly kind = 'coordinator' as const;
  status = 'PREP';
  startMs: number;
  endMs: number | undefined;
  lastModMs: number;
  readonly actions: CoordinatorActionRecord[] = [];
  #cancelTimer: (() => void) | undefined;
  #statusBeforeSuspend = 'RUNNING';

  readonly id: string;
  readonly appPath: string;
  readonly appName: string;
  readonly conf: Map<string, string>;
  readonly user: string;
  readonly createdMs: number;

  constructor(
    identity: JobIdentity,
    readonly app: CoordinatorApp,
    readonly context: CoordinatorContext,
  ) {
    ({ id: this.id, appPath: this.appPath, appName: this.appName, conf: this.conf } = identity);
    ({ user: this.user, createdMs: this.createdMs } = identity);
    this.lastModMs = this.createdMs;
    this.startMs = this.createdMs + app.startDelayMs;
    this.#cancelTimer = context.clock.setTimer(this.startMs, () => this.#begin());
  }

  get externalId(): string | null {
    return this.conf.get('oozie.wf.external.id') ?? null;
  }

  /** Called by the store when a workflow launched by this coordinator ends. */
  workflowEnded(workflow: WorkflowJob): void {
    const action = this.actions.find((a) => a.externalId === workflow.id);
    if (!action || !isTerminal(workflow.status)) return;
    action.status = workflow.status;
    action.lastModMs = this.context.clock.now();
    if (workflow.status !== 'SUCCEEDED') {
      const failing = workflow.actions.find((a) => a.errorCode !== null && a.type !== ':KILL:');
      action.errorCode = failing?.errorCode ?? null;
      action.errorMessage = failing?.errorMessage ?? null;
    }
    if (this.status === 'KILLED') return;
    this.#materialiseNext();
  }

  suspend(): void {
    if (this.status !== 'RUNNING' && this.status !== 'PREP') return;
    this.#statusBeforeSuspend = this.status;
    this.status = this.status === 'PREP' ? 'PREPSUSPENDED' : 'SUSPENDED';
    this.#touch();
    for (const workflow of this.#runningWorkflows()) workflow.suspend();
  }

  resume(): void {
    if (this.status !== 'SUSPENDED' && this.status !== 'PREPSUSPENDED') return;
    this.status = this.#statusBeforeSuspend;
    this.#touch();
    for (const workflow of this.#runningWorkflows()) workflow.resume();
    if (this.status === 'RUNNING' && this.actions.every((a) => FINISHED.has(a.status)))
      this.#materialiseNext();
  }

  /** Kills the coordinator and its running workflows; a finished one changes only in legacy mode. */
  kill(): void {
    const { config } = this.context;
    if (config.killIneffective) return;
    if (FINISHED.has(this.status) && !config.legacyKillRewritesFinished) return;

    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.status = 'KILLED';
    this.endMs = this.context.clock.now();
    this.#touch();
    for (const action of this.actions) {
      if (!FINISHED.has(action.status)) {
        action.status = 'KILLED';
        action.lastModMs = this.endMs;
      }
    }
    for (const workflow of this.#runningWorkflows()) workflow.kill();
  }

  #begin(): void {
    this.#cancelTimer = undefined;
    if (this.status !== 'PREP') {
      if (this.status === 'PREPSUSPENDED') this.#statusBeforeSuspend = 'RUNNING';
      return;
    }
    this.status = 'RUNNING';
    this.#touch();
    this.#materialiseNext();
  }

  #materialiseNext(): void {
    if (this.status !== 'RUNNING') return;
    if (this.actions.length >= this.app.actionCount) {
      this.status = this.actions.every((a) => a.status === 'SUCCEEDED') ? 'SUCCEEDED' : 'DONEWITHERROR';
      this.endMs = this.context.clock.now();
      this.#touch();
      return;
    }

    const now = this.context.clock.now();
    const number = this.actions.length + 1;
    const action: CoordinatorActionRecord = {
      id: `${this.id}@${number}`,
      actionNumber: number,
      status: 'SUBMITTED',
      createdMs: now,
      nominalMs: this.startMs + (number - 1) * this.app.frequencyMinutes * 60_000,
      lastModMs: now,
      externalId: null,
      errorCode: null,
      errorMessage: null,
    };
    this.actions.push(action);
    const workflow = this.context.launchWorkflow(this, action);
    action.externalId = workflow.id;
    action.status = isTerminal(workflow.status) ? workflow.status : 'RUNNING';
    this.#touch();
  }

  #runningWorkflows(): WorkflowJob[] {
    return this.actions
      .map((a) => (a.externalId ? this.context.findWorkflow(a.externalId) : undefined))
      .filter((w): w is WorkflowJob => w !== undefined && !isTerminal(w.status));
  }

  #touch(): void {
    this.lastModMs = this.context.clock.now();
  }
}
