import type { SimClock } from '../common/clock.js';
import type { ActionSpec, OozieSimulatorConfig, WorkflowApp } from './options.js';
import { errors, formatActionData } from './wire.js';

export type WorkflowStatus = 'PREP' | 'RUNNING' | 'SUSPENDED' | 'SUCCEEDED' | 'KILLED' | 'FAILED';

/** One executed node of a workflow job, control nodes included. */
export interface ActionRecord {
  id: string;
  name: string;
  type: string;
  status: string;
  startMs: number | undefined;
  endMs: number | undefined;
  transition: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  externalId: string | null;
  externalStatus: string | null;
  data: string | null;
  retries: number;
}

/** Clock, config and job store callbacks that a workflow job uses. */
export interface WorkflowContext {
  clock: SimClock;
  config: OozieSimulatorConfig;
  /** Next YARN-style application id for an action's `externalId`. */
  nextExternalId(): string;
  /** Called once each time the job reaches a terminal state. */
  onEnd?(job: WorkflowJob): void;
}

/** Fields every simulated job gets from its submission. */
export interface JobIdentity {
  id: string;
  appPath: string;
  appName: string;
  conf: Map<string, string>;
  user: string;
  createdMs: number;
}

const TERMINAL: ReadonlySet<WorkflowStatus> = new Set(['SUCCEEDED', 'KILLED', 'FAILED']);

/** Returns whether a workflow status is final. */
export function isTerminal(status: WorkflowStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * A simulated workflow job. It walks `:start:`, then the application's actions in order, then
 * `end` (`SUCCEEDED`), or from a failing action to the `fail` kill node (`KILLED`). Every step is a
 * timer on the simulator clock, so a suspended job keeps the remaining time of its running action.
 */
export class WorkflowJob {
  readonly kind = 'workflow' as const;
  status: WorkflowStatus = 'PREP';
  startMs: number | undefined;
  endMs: number | undefined;
  lastModMs: number;
  run = 0;
  actions: ActionRecord[] = [];
  readonly log: string[] = [];

  #step = -1;
  #cancelTimer: (() => void) | undefined;
  #dueAtMs: number | undefined;
  #remainingMs: number | undefined;
  #suspendedBeforeStep: number | undefined;
  #skipNodes = new Set<string>();

  readonly id: string;
  readonly appPath: string;
  readonly appName: string;
  conf: Map<string, string>;
  readonly user: string;
  readonly createdMs: number;

  constructor(
    identity: JobIdentity,
    readonly app: WorkflowApp,
    readonly parentId: string | null,
    readonly context: WorkflowContext,
  ) {
    ({ id: this.id, appPath: this.appPath, appName: this.appName, conf: this.conf } = identity);
    ({ user: this.user, createdMs: this.createdMs } = identity);
    this.lastModMs = this.createdMs;
    this.#log('INFO', 'SubmitXCommand', undefined, `Workflow job submitted, app path [${this.appPath}]`);
  }

  get externalId(): string | null {
    return this.conf.get('oozie.wf.external.id') ?? null;
  }

  get group(): string | null {
    return this.conf.get('group.name') ?? null;
  }

  get acl(): string | null {
    return this.conf.get('oozie.job.acl') ?? null;
  }

  /** `start`: PREP → RUNNING; a no-op in every other state. */
  start(): void {
    if (this.status !== 'PREP') return;
    const now = this.#now();
    this.status = 'RUNNING';
    this.startMs = now;
    this.#touch();
    this.#log('INFO', 'StartXCommand', undefined, 'Start workflow job');
    this.actions.push(this.#controlNode(':start:', ':START:', this.#firstActionName(0), '-', 'OK'));
    this.#enterStep(0);
  }

  /** `suspend`: RUNNING → SUSPENDED, keeping the remaining time of the running action. */
  suspend(): void {
    if (this.status !== 'RUNNING') return;
    this.status = 'SUSPENDED';
    if (this.#cancelTimer && this.#dueAtMs !== undefined) {
      this.#cancelTimer();
      this.#cancelTimer = undefined;
      this.#remainingMs = Math.max(0, this.#dueAtMs - this.#now());
    }
    this.#touch();
    this.#log('INFO', 'SuspendXCommand', undefined, 'Workflow job suspended');
  }

  /** `resume`: SUSPENDED → RUNNING; a no-op in every other state. */
  resume(): void {
    if (this.status !== 'SUSPENDED') return;
    this.status = 'RUNNING';
    this.#touch();
    this.#log('INFO', 'ResumeXCommand', undefined, 'Workflow job resumed');

    if (this.#suspendedBeforeStep !== undefined) {
      const step = this.#suspendedBeforeStep;
      this.#suspendedBeforeStep = undefined;
      this.#startAction(step);
      return;
    }
    if (this.#remainingMs !== undefined) {
      const step = this.#step;
      this.#schedule(this.#remainingMs, () => this.#completeStep(step));
      this.#remainingMs = undefined;
    }
  }

  /**
   * `kill`: PREP, RUNNING and SUSPENDED → KILLED; a FAILED job stays FAILED; SUCCEEDED and KILLED
   * are left alone unless `legacyKillRewritesFinished` is set. With `killIneffective` nothing changes.
   */
  kill(): void {
    const { config } = this.context;
    if (config.killIneffective) {
      this.#log('INFO', 'KillXCommand', undefined, 'Kill accepted');
      return;
    }
    if (this.status === 'FAILED') return;
    if (isTerminal(this.status) && !config.legacyKillRewritesFinished) return;

    this.#stopTimer();
    const now = this.#now();
    for (const action of this.actions) {
      if (
        ['RUNNING', 'PREP', 'START_MANUAL', 'END_MANUAL', 'START_RETRY', 'END_RETRY'].includes(action.status)
      ) {
        action.status = 'KILLED';
        action.externalStatus = 'KILLED';
        action.endMs = now;
      }
    }
    this.#finish('KILLED');
    this.#log('INFO', 'KillXCommand', undefined, 'Workflow job killed');
  }

  /**
   * `rerun`: runs a finished job again under the same id with the merged configuration. Actions
   * named in `oozie.wf.rerun.skip.nodes`, or every action that ended `OK` with
   * `oozie.wf.rerun.failnodes=true`, keep their earlier result.
   */
  rerun(newConf: Map<string, string>): void {
    if (!isTerminal(this.status)) throw errors.notCompleted(this.id);
    if (!newConf.has('oozie.wf.application.path')) throw errors.missingProperty('oozie.wf.application.path');

    const skipList = newConf.get('oozie.wf.rerun.skip.nodes');
    const failNodes = newConf.get('oozie.wf.rerun.failnodes');
    if (skipList !== undefined && failNodes !== undefined) throw errors.conflictingRerun();

    const completed = new Set(this.actions.filter((a) => a.status === 'OK').map((a) => a.name));
    let skip: Set<string>;
    if (skipList !== undefined) {
      skip = new Set(
        skipList
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      for (const name of skip) {
        if (!completed.has(name)) throw errors.badParameter('oozie.wf.rerun.skip.nodes', name);
      }
    } else if (failNodes !== undefined) {
      skip = failNodes.trim().toLowerCase() === 'true' ? completed : new Set();
    } else if (this.context.config.rerunWithoutNodeOption === 'reject') {
      throw errors.missingProperty('oozie.wf.rerun.failnodes');
    } else {
      skip = new Set();
    }

    const merged = new Map(this.conf);
    for (const [name, value] of newConf) merged.set(name, value);
    this.conf = merged;

    this.#skipNodes = skip;
    this.run++;
    this.actions = this.actions.filter((a) => skip.has(a.name) && !a.type.startsWith(':'));
    this.status = 'RUNNING';
    this.endMs = undefined;
    this.#touch();
    this.#log(
      'INFO',
      'ReRunXCommand',
      undefined,
      `Workflow job rerun ${this.run}, skipping [${[...skip].join(',')}]`,
    );
    this.actions.unshift(this.#controlNode(':start:', ':START:', this.#firstActionName(0), '-', 'OK'));
    this.#enterStep(0);
  }

  #enterStep(step: number): void {
    const specs = this.app.actions;
    while (step < specs.length && this.#skipNodes.has(specs[step]!.name)) step++;

    this.#step = step;
    if (step >= specs.length) {
      this.actions.push(this.#controlNode('end', ':END:', null, '-', 'OK'));
      this.#finish('SUCCEEDED');
      this.#log('INFO', 'SignalXCommand', undefined, 'Workflow job succeeded');
      return;
    }

    if (this.app.suspendAtStep === step + 1 && this.run === 0) {
      this.status = 'SUSPENDED';
      this.#suspendedBeforeStep = step;
      this.#touch();
      this.#log(
        'INFO',
        'SuspendXCommand',
        undefined,
        `Workflow job suspended before action [${specs[step]!.name}]`,
      );
      return;
    }

    this.#startAction(step);
  }

  #startAction(step: number): void {
    const spec = this.app.actions[step]!;
    const now = this.#now();
    const record: ActionRecord = {
      id: `${this.id}@${spec.name}`,
      name: spec.name,
      type: spec.type,
      status: 'RUNNING',
      startMs: now,
      endMs: undefined,
      transition: null,
      errorCode: null,
      errorMessage: null,
      externalId: this.context.nextExternalId(),
      externalStatus: 'RUNNING',
      data: null,
      retries: 0,
    };
    this.actions.push(record);
    this.#touch();
    this.#log('INFO', 'ActionStartXCommand', spec.name, `Start action [${record.id}] with user-retry state`);

    const outcome = this.#outcome(spec);
    if (outcome === 'hang') return;
    if (outcome === 'start-manual') {
      record.status = 'START_MANUAL';
      record.externalStatus = null;
      record.errorCode = spec.errorCode ?? 'JA006';
      record.errorMessage = spec.errorMessage ?? 'Action start failed, manual intervention required';
      this.#log('WARN', 'ActionStartXCommand', spec.name, `${record.errorCode}: ${record.errorMessage}`);
      return;
    }
    this.#schedule(spec.durationMs, () => this.#completeStep(step));
  }

  #completeStep(step: number): void {
    this.#cancelTimer = undefined;
    this.#dueAtMs = undefined;
    const spec = this.app.actions[step]!;
    const record = this.actions[this.actions.length - 1]!;
    const now = this.#now();
    record.endMs = now;
    for (const line of spec.logLines) this.#log('INFO', 'ActionEndXCommand', spec.name, line);

    switch (this.#outcome(spec)) {
      case 'error': {
        record.status = 'ERROR';
        record.externalStatus = 'FAILED/KILLED';
        record.errorCode = spec.errorCode ?? '1';
        record.errorMessage =
          spec.errorMessage ?? 'Main class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]';
        record.transition = 'fail';
        this.#log('WARN', 'ActionEndXCommand', spec.name, `${record.errorCode}: ${record.errorMessage}`);

        const message = this.app.killMessage
          .replaceAll('{failedAction}', spec.name)
          .replaceAll('{errorMessage}', record.errorMessage);
        const kill = this.#controlNode('fail', ':KILL:', null, null, null);
        kill.errorCode = 'E0729';
        kill.errorMessage = message;
        this.actions.push(kill);
        this.#finish('KILLED');
        this.#log('ERROR', 'KillXCommand', 'fail', `E0729: ${message}`);
        return;
      }
      case 'failed': {
        record.status = 'FAILED';
        record.externalStatus = 'FAILED';
        record.errorCode = spec.errorCode ?? 'E0700';
        record.errorMessage = spec.errorMessage ?? 'Unexpected error';
        this.#finish('FAILED');
        this.#log('ERROR', 'ActionEndXCommand', spec.name, `${record.errorCode}: ${record.errorMessage}`);
        return;
      }
      default: {
        record.status = 'OK';
        record.externalStatus = 'SUCCEEDED';
        record.transition = this.#firstActionName(step + 1) ?? 'end';
        if (spec.data) record.data = formatActionData(spec.data, now);
        this.#log('INFO', 'ActionEndXCommand', spec.name, `Action [${record.id}] ended OK`);
        this.#enterStep(step + 1);
      }
    }
  }

  #outcome(spec: ActionSpec): ActionSpec['outcome'] {
    const healed = this.run > 0 && this.context.config.rerunHeals;
    return healed ? 'ok' : spec.outcome;
  }

  #firstActionName(from: number): string | null {
    const spec = this.app.actions.slice(from).find((a) => !this.#skipNodes.has(a.name));
    return spec?.name ?? 'end';
  }

  #controlNode(
    name: string,
    type: string,
    transition: string | null,
    externalId: string | null,
    externalStatus: string | null,
  ): ActionRecord {
    const now = this.#now();
    return {
      id: `${this.id}@${name}`,
      name,
      type,
      status: 'OK',
      startMs: now,
      endMs: now,
      transition,
      errorCode: null,
      errorMessage: null,
      externalId,
      externalStatus,
      data: null,
      retries: 0,
    };
  }

  #schedule(delayMs: number, callback: () => void): void {
    const due = this.#now() + delayMs;
    this.#dueAtMs = due;
    this.#cancelTimer = this.context.clock.setTimer(due, callback);
  }

  #stopTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#dueAtMs = undefined;
    this.#remainingMs = undefined;
    this.#suspendedBeforeStep = undefined;
  }

  #finish(status: WorkflowStatus): void {
    this.status = status;
    this.endMs = this.#now();
    this.#touch();
    this.context.onEnd?.(this);
  }

  #touch(): void {
    this.lastModMs = this.#now();
  }

  #now(): number {
    return this.context.clock.now();
  }

  #log(level: string, command: string, actionName: string | undefined, text: string): void {
    const stamp = new Date(this.#now()).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    const action = actionName ? `${this.id}@${actionName}` : '-';
    this.log.push(
      `${stamp}  ${level.padEnd(5)} ${command}:520 - SERVER[oozie-sim] USER[${this.user}] GROUP[-] TOKEN[] ` +
        `APP[${this.appName}] JOB[${this.id}] ACTION[${action}] ${text}`,
    );
  }
}
