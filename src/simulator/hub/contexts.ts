import type { AccountDirectory } from './accounts.js';
import { HubError } from './http.js';
import {
  DEFAULT_IN_OUT_SIZE_MB,
  DEFAULT_TIMEOUT_MS,
  type ExecutionContextStatus,
  type HubAppOptions,
} from './options.js';
import { isoDuration, uuidFromName } from './wire.js';

/** An execution context with its settings resolved. */
export interface ExecutionContext {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  status: ExecutionContextStatus;
  /** Loaded jobs at once; `Infinity` for no limit. */
  maxLoadedJobs: number;
  readonly defaultLoadTimeoutMs: number;
  readonly defaultExecutionTimeoutMs: number;
  readonly maxJobInOutSizeMb: number;
}

/** `maxLoadedJobsPerExecutor` the Hub writes for "no limit": the largest Java int. */
const JAVA_INT_MAX = 2_147_483_647;

/** The configured execution contexts; the first one is the default of every space. */
export class ExecutionContexts {
  readonly #contexts: ExecutionContext[];

  /** @throws {RangeError} without any context, for duplicate ids, or an unknown scope. */
  constructor(options: Pick<HubAppOptions, 'executionContexts'>, accounts: AccountDirectory) {
    const fallbackScope = accounts.teams[0]?.id ?? accounts.users[0]?.id ?? 'hub:global';
    this.#contexts = options.executionContexts.map((config) => {
      const scope =
        config.scope === undefined
          ? fallbackScope
          : config.scope === 'hub:global' || config.scope.startsWith('account:')
            ? config.scope
            : accounts.byName(config.scope)?.id;
      if (!scope)
        throw new RangeError(`Execution context "${config.name}" has unknown scope "${config.scope}"`);
      const maxLoadedJobs = config.maxLoadedJobs ?? Number.POSITIVE_INFINITY;
      if (!(maxLoadedJobs >= 0)) {
        throw new RangeError(
          `Execution context "${config.name}": maxLoadedJobs must be >= 0, got ${maxLoadedJobs}`,
        );
      }
      return {
        id: config.id ?? uuidFromName(`execution-context:${config.name}`),
        name: config.name,
        scope,
        status: config.status ?? 'running',
        maxLoadedJobs,
        defaultLoadTimeoutMs: config.defaultLoadTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        defaultExecutionTimeoutMs: config.defaultExecutionTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxJobInOutSizeMb: config.maxJobInOutSizeMb ?? DEFAULT_IN_OUT_SIZE_MB,
      };
    });
    if (this.#contexts.length === 0)
      throw new RangeError('The Hub simulator needs at least one execution context');
    const ids = new Set(this.#contexts.map((context) => context.id));
    if (ids.size !== this.#contexts.length) throw new RangeError('Two execution contexts have the same id');
  }

  all(): readonly ExecutionContext[] {
    return this.#contexts;
  }

  get default(): ExecutionContext {
    return this.#contexts[0] as ExecutionContext;
  }

  get(id: string): ExecutionContext | undefined {
    return this.#contexts.find((context) => context.id === id);
  }

  /**
   * Picks the context a new job runs in: `id`, or the default.
   *
   * @throws {HubError} 422 for an unknown id or a disabled context.
   */
  forNewJob(id: string | undefined): ExecutionContext {
    const context = id === undefined ? this.default : this.get(id);
    if (!context) throw new HubError(422, `Execution context '${id}' does not exist.`);
    if (context.status === 'disabled') {
      throw new HubError(422, `Execution context '${context.name}' (${context.id}) is disabled.`, [
        'Enable the execution context or choose another one.',
      ]);
    }
    return context;
  }

  /** Number of jobs the context can hold now, given `loaded` jobs in it. */
  freeSlots(context: ExecutionContext, loaded: number): number {
    if (context.status !== 'running') return 0;
    return Math.max(0, context.maxLoadedJobs - loaded);
  }
}

/** Execution context JSON with the fields of the recorded Hub body and the spec's defaults. */
export function executionContextJson(
  context: ExecutionContext,
  metrics: { deployments: number; jobs: number; loadedJobs: number; lastJobStatusUpdate?: string },
  spaceIds: readonly string[],
): Record<string, unknown> {
  return {
    id: context.id,
    scope: context.scope,
    name: context.name,
    description: `Simulated execution context (${context.status})`,
    clusterInfoId: '00000000-0000-0000-0000-000000000000',
    // The schema requires `clusterId`, while the recorded body has only `clusterInfoId`: send both.
    clusterId: '00000000-0000-0000-0000-000000000000',
    isDisabled: context.status === 'disabled',
    isTemplate: false,
    isPool: false,
    tags: [],
    readOnly: [],
    final: [],
    inherited: [],
    inheritable: [],
    defaultCpuRequirement: 0,
    defaultRamRequirement: 0,
    blacklistedNodes: '',
    perJobLogging: true,
    defaultLoadTimeout: isoDuration(context.defaultLoadTimeoutMs),
    defaultAsyncLoadTimeout: isoDuration(context.defaultLoadTimeoutMs),
    defaultExecutionTimeout: isoDuration(context.defaultExecutionTimeoutMs),
    defaultReportTimeout: 'PT5M',
    defaultSwapTimeout: 'PT1M',
    defaultSessionTimeout: 'PT1M',
    startExecutionTimeout: 'PT1M',
    maxJobTimeInMemory: 'PT1H',
    maxJobLifeTime: 'PT24H',
    maxJobExecutionTime: 'PT24H',
    maxJobInOutSize: context.maxJobInOutSizeMb,
    maxLoadedJobsPerExecutor: Number.isFinite(context.maxLoadedJobs) ? context.maxLoadedJobs : JAVA_INT_MAX,
    maxSwapFailures: JAVA_INT_MAX,
    defaultMaxScheduleFailures: JAVA_INT_MAX,
    discardAfterMaxExecutionTime: false,
    updateLinkedComponents: false,
    saveWorkflowSummary: false,
    rejectFutureWorkflows: false,
    customizationProfiles: [],
    defaultDeploymentRunMode: 'ACCOUNT',
    executionContextFeatures: ['EXECUTION'],
    defaultForSpaces: [...spaceIds],
    operationInfo: {
      minExecutors: context.status === 'running' || context.status === 'full' ? 1 : 0,
      maxExecutors: 1,
      autoStart: { enabled: context.status !== 'stopped' },
      autoStop: { enabled: false, idleTime: 'PT1H' },
    },
    liveMetrics: metrics,
    executorApVersion: '5.5.0.simulated',
    executorConnectorVersion: '5.5.0.simulated',
  };
}
