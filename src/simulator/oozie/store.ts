import type { SimClock } from '../common/clock.js';
import { type Application, fallbackWorkflow, normaliseAppPath, resolveApplications } from './applications.js';
import { CoordinatorJob } from './coordinator.js';
import type { OozieSimulatorConfig } from './options.js';
import { errors } from './wire.js';
import { type JobIdentity, WorkflowJob } from './workflow.js';

export type Job = WorkflowJob | CoordinatorJob;

/** Counters that tests read to prove what the simulator received. */
export interface OozieSimulatorStats {
  /** Jobs created by `POST /jobs`, workflows and coordinators. */
  submissions: number;
  /** Jobs created per normalised application path. */
  submissionsByAppPath: Record<string, number>;
  /** Jobs created per `oozie.wf.external.id`. */
  submissionsByExternalId: Record<string, number>;
  /** `PUT /job/{id}` calls per `action` verb, whether or not they changed anything. */
  commands: Record<string, number>;
  /** Requests per route, such as `GET /job` or `POST /jobs`. */
  requests: Record<string, number>;
}

export function emptyStats(): OozieSimulatorStats {
  return {
    submissions: 0,
    submissionsByAppPath: {},
    submissionsByExternalId: {},
    commands: {},
    requests: {},
  };
}

/** Increments `record[key]`. */
export function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

const APP_PATH_KEYS = [
  'oozie.wf.application.path',
  'oozie.coord.application.path',
  'oozie.bundle.application.path',
];

/** All jobs of one simulator, their ids, and the post-submit invisibility counters. */
export class JobStore {
  readonly jobs = new Map<string, Job>();
  readonly applications: Map<string, Application>;
  readonly stats = emptyStats();
  readonly #startStamp: string;
  #sequence = 0;
  #externalSequence = 0;
  readonly #invisible = new Map<string, number>();

  constructor(
    readonly clock: SimClock,
    readonly config: OozieSimulatorConfig,
  ) {
    this.applications = resolveApplications(config);
    this.#startStamp = idStamp(clock.now());
  }

  /**
   * Creates a job from a submitted configuration. `user` is the authenticated user, or undefined
   * for an anonymous request. Starts a workflow at once when `start` is true.
   */
  submit(conf: Map<string, string>, user: string | undefined, start: boolean): Job {
    const given = APP_PATH_KEYS.filter((key) => conf.has(key));
    if (given.length > 1) throw errors.multipleAppPaths();
    if (given.length === 0) throw errors.noAppPath();

    if (user !== undefined && this.config.overwriteUserName) conf.set('user.name', user);
    const owner = conf.get('user.name');
    if (!owner) throw errors.missingProperty('user.name');

    const key = given[0]!;
    if (key === 'oozie.bundle.application.path') {
      throw errors.badParameter(key, 'bundles are not simulated');
    }
    const appPath = conf.get(key)!;
    const app = this.#application(
      appPath,
      key === 'oozie.coord.application.path' ? 'coordinator' : 'workflow',
    );

    const job =
      app.kind === 'coordinator'
        ? this.#createCoordinator(app, appPath, conf, owner)
        : this.#createWorkflow(app, appPath, conf, owner, null);
    if (start && job.kind === 'workflow') job.start();

    this.stats.submissions++;
    bump(this.stats.submissionsByAppPath, normaliseAppPath(appPath));
    const externalId = conf.get('oozie.wf.external.id');
    if (externalId !== undefined) bump(this.stats.submissionsByExternalId, externalId);
    if (this.config.invisibleAfterSubmit > 0) this.#invisible.set(job.id, this.config.invisibleAfterSubmit);
    return job;
  }

  /**
   * Finds a job for a request on `/job/{id}`. During the post-submit invisibility window the lookup
   * fails with `E0604`, and each such request uses up one of the `invisibleAfterSubmit` requests.
   */
  get(id: string): Job {
    if (this.#hiddenByTime(id)) throw errors.jobNotFound(id);
    const remaining = this.#invisible.get(id);
    if (remaining !== undefined) {
      if (remaining <= 1) this.#invisible.delete(id);
      else this.#invisible.set(id, remaining - 1);
      throw errors.jobNotFound(id);
    }
    const job = this.jobs.get(id.replace(/@.*$/, ''));
    if (!job) throw errors.jobNotFound(id);
    return job;
  }

  /** Most recently created workflow with this external id, honouring `invisibleAffectsLookup`. */
  findByExternalId(externalId: string): WorkflowJob | undefined {
    let found: WorkflowJob | undefined;
    for (const job of this.jobs.values()) {
      if (job.kind !== 'workflow' || job.externalId !== externalId) continue;
      if (this.config.invisibleAffectsLookup && (this.#invisible.has(job.id) || this.#hiddenByTime(job.id)))
        continue;
      if (!found || job.createdMs >= found.createdMs) found = job;
    }
    return found;
  }

  #hiddenByTime(id: string): boolean {
    const job = this.jobs.get(id.replace(/@.*$/, ''));
    return job !== undefined && this.clock.now() < job.createdMs + this.config.invisibleForMs;
  }

  #application(appPath: string, kind: Application['kind']): Application {
    const app = this.applications.get(normaliseAppPath(appPath));
    if (app && app.kind === kind) return app;
    if (!app && kind === 'workflow' && this.config.unknownApplication === 'success')
      return fallbackWorkflow();
    throw errors.appNotFound(appPath);
  }

  #identity(
    suffix: 'W' | 'C',
    app: Application,
    appPath: string,
    conf: Map<string, string>,
    user: string,
  ): JobIdentity {
    this.#sequence++;
    const id = `${String(this.#sequence).padStart(7, '0')}-${this.#startStamp}-${this.config.systemId}-${suffix}`;
    return {
      id,
      appPath,
      appName: app.appName ?? lastSegment(appPath),
      conf,
      user,
      createdMs: this.clock.now(),
    };
  }

  #createWorkflow(
    app: Extract<Application, { kind: 'workflow' }>,
    appPath: string,
    conf: Map<string, string>,
    user: string,
    parentId: string | null,
  ): WorkflowJob {
    const identity = this.#identity('W', app, appPath, conf, user);
    const job = new WorkflowJob(identity, app, parentId, {
      clock: this.clock,
      config: this.config,
      nextExternalId: () => {
        this.#externalSequence++;
        return `job_${this.#startStamp.slice(0, 13)}_${String(this.#externalSequence).padStart(4, '0')}`;
      },
      onEnd: (ended) => {
        if (!ended.parentId) return;
        const coordinator = this.jobs.get(ended.parentId.replace(/@.*$/, ''));
        if (coordinator?.kind === 'coordinator') coordinator.workflowEnded(ended);
      },
    });
    this.jobs.set(job.id, job);
    return job;
  }

  #createCoordinator(
    app: Extract<Application, { kind: 'coordinator' }>,
    appPath: string,
    conf: Map<string, string>,
    user: string,
  ): CoordinatorJob {
    const identity = this.#identity('C', app, appPath, conf, user);
    const job = new CoordinatorJob(identity, app, {
      clock: this.clock,
      config: this.config,
      findWorkflow: (workflowId) => {
        const found = this.jobs.get(workflowId);
        return found?.kind === 'workflow' ? found : undefined;
      },
      launchWorkflow: (coordinator, action) => {
        const workflowApp = this.#application(app.workflowAppPath, 'workflow');
        if (workflowApp.kind !== 'workflow') throw errors.appNotFound(app.workflowAppPath);
        const childConf = new Map(coordinator.conf);
        childConf.delete('oozie.coord.application.path');
        childConf.delete('oozie.wf.external.id');
        childConf.set('oozie.wf.application.path', app.workflowAppPath);
        const workflow = this.#createWorkflow(workflowApp, app.workflowAppPath, childConf, user, action.id);
        workflow.start();
        return workflow;
      },
    });
    this.jobs.set(job.id, job);
    return job;
  }
}

function lastSegment(path: string): string {
  const parts = normaliseAppPath(path).split('/');
  return parts[parts.length - 1] || 'workflow';
}

/** `yyMMddHHmmssSSS` of a time, the middle part of Oozie job ids. */
function idStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(2, 23).replace(/[-T:.]/g, '');
}
