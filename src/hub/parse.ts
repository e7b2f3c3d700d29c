/**
 * Conversion of Hub replies into the library's types: job snapshots, deployments and execution
 * contexts with their capacity.
 */
import { type NodeMessage, ProtocolError, type RequestInfo } from '../errors/index.js';
import type { JobSnapshot } from '../job/types.js';
import { parseTimestamp } from '../server/parse.js';
import type { CapacityStatus } from './errors.js';
import {
  deploymentSchema,
  executionContextSchema,
  jobSchema,
  parseWire,
  type WireDeployment,
  type WireExecutionContext,
  type WireJob,
} from './wire.js';

/** A deployment, as `listDeployments` returns it. */
export interface HubDeployment {
  /** Deployment id, such as `rest:<uuid>`. */
  id: string;
  /** `rest`, `schedule`, `data-app` or `trigger`; taken from the id when the body has no `type`. */
  type: string;
  name: string | undefined;
  /** Owning account, such as `account:team:<uuid>`. */
  scope: string | undefined;
  workflowPath: string | undefined;
  workflowId: string | undefined;
  /** Version the deployment runs (`itemVersion`, or the legacy `spaceVersion`). */
  itemVersion: string | undefined;
  executionContext: string | undefined;
  enabled: boolean | undefined;
  /** Epoch milliseconds. */
  createdAt: number | undefined;
  raw: Record<string, unknown>;
}

/** Capacity of an execution context, from its settings and live metrics. */
export interface ExecutionContextCapacity {
  /**
   * `available` when the context can load another job, `full` when its loaded jobs reached the
   * limit, `stopped` when no executor runs and none starts on demand, `disabled` when it takes no jobs.
   */
  status: 'available' | CapacityStatus;
  loadedJobs: number | undefined;
  /** Maximum of loaded jobs at once, or `undefined` for no limit (the Hub writes 2147483647). */
  maxLoadedJobs: number | undefined;
  jobs: number | undefined;
  minExecutors: number | undefined;
  maxExecutors: number | undefined;
}

/** An execution context, as `listExecutionContexts` returns it. */
export interface HubExecutionContext {
  id: string;
  name: string | undefined;
  scope: string | undefined;
  /** Item ids of the spaces whose default context this is. */
  defaultForSpaces: string[];
  capacity: ExecutionContextCapacity;
  raw: Record<string, unknown>;
}

/** `maxLoadedJobsPerExecutor` the Hub writes for "no limit": the largest Java `int`. */
const NO_LIMIT = 2_147_483_647;

function parseNodeMessages(value: WireJob['nodeMessages']): NodeMessage[] {
  return (value ?? []).map((item) => ({
    node: item.node ?? '',
    messageType: item.messageType ?? '',
    message: typeof item.message === 'string' ? item.message : String(item.message ?? ''),
  }));
}

/**
 * Reads a Hub job body. The state is `workflowState`, or the deprecated `state` when the body has
 * no `workflowState`; `jobState` is kept beside it.
 * @throws ProtocolError naming the field when the body is not a job, has no `id`, or has none of
 *   `workflowState`, `state` and `jobState`
 */
export function parseHubJob(body: unknown, request: RequestInfo, expectedId?: string): JobSnapshot {
  const where = `${request.method} ${request.url}`;
  const parsed = parseWire(jobSchema, body);
  if (!parsed.ok) {
    throw new ProtocolError(`${where} returned no usable job: ${parsed.issue}`, { request });
  }
  const job = parsed.value;
  const id = job.id && job.id !== '' ? job.id : expectedId;
  if (id === undefined || id === '') {
    throw new ProtocolError(`${where} returned a job without the field "id"`, { request });
  }
  const state = job.workflowState ?? job.state ?? (job.jobState === undefined ? undefined : 'UNDEFINED');
  if (state === undefined) {
    throw new ProtocolError(
      `${where} returned job ${id} without any of the fields "workflowState", "state" and "jobState"`,
      { request, jobId: id },
    );
  }

  const raw = body as Record<string, unknown>;
  const snapshot: JobSnapshot = { id, state, nodeMessages: parseNodeMessages(job.nodeMessages), raw };
  if (job.jobState !== undefined) snapshot.jobState = job.jobState;
  // Without `jobState`, the lifecycle values of the deprecated `state` stand in for it, because
  // `workflowState` cannot express them.
  if (job.workflowState !== undefined && job.state !== undefined && job.jobState === undefined) {
    if (['LOAD_ERROR', 'DISCARDED', 'VANISHED', 'LOADING'].includes(job.state)) snapshot.jobState = job.state;
  }
  const workflow = job.workflow ?? job.workflowId;
  if (workflow !== undefined) snapshot.workflow = workflow;
  if (job.name !== undefined) snapshot.name = job.name;
  const owner = job.creatorName ?? job.creator;
  if (owner !== undefined) snapshot.owner = owner;
  if (job.createdVia !== undefined) snapshot.createdVia = job.createdVia;
  if (job.outputValues) snapshot.outputValues = job.outputValues;
  if (job.outputResources) {
    snapshot.outputResources = Array.isArray(job.outputResources)
      ? job.outputResources.filter((name): name is string => typeof name === 'string')
      : Object.keys(job.outputResources);
  }
  const createdAt = parseTimestamp(job.createdAt);
  const startedAt = parseTimestamp(job.startedExecutionAt);
  const finishedAt = parseTimestamp(job.finishedExecutionAt);
  if (createdAt !== undefined) snapshot.createdAt = createdAt;
  if (startedAt !== undefined) snapshot.startedAt = startedAt;
  if (finishedAt !== undefined) snapshot.finishedAt = finishedAt;
  return snapshot;
}

/**
 * Reads one deployment.
 * @throws ProtocolError when the body is not a deployment
 */
export function parseDeployment(body: unknown, request: RequestInfo): HubDeployment {
  const parsed = parseWire(deploymentSchema, body);
  if (!parsed.ok) {
    throw new ProtocolError(
      `${request.method} ${request.url} returned no usable deployment: ${parsed.issue}`,
      {
        request,
      },
    );
  }
  return toDeployment(parsed.value);
}

export function toDeployment(wire: WireDeployment): HubDeployment {
  const version = wire.itemVersion ?? wire.spaceVersion;
  const typeFromId = /^(?:shared:)?([a-z-]+):/.exec(wire.id)?.[1];
  return {
    id: wire.id,
    type: wire.type ?? typeFromId ?? 'unknown',
    name: wire.name,
    scope: wire.scope,
    workflowPath: wire.workflowPath,
    workflowId: wire.workflowId,
    itemVersion: version === null || version === undefined ? undefined : String(version),
    executionContext: wire.executionContext ?? undefined,
    enabled: wire.enabled,
    createdAt: parseTimestamp(wire.createdAt),
    raw: wire as Record<string, unknown>,
  };
}

/**
 * Reads one execution context.
 * @throws ProtocolError when the body is not an execution context
 */
export function parseExecutionContext(body: unknown, request: RequestInfo): HubExecutionContext {
  const parsed = parseWire(executionContextSchema, body);
  if (!parsed.ok) {
    throw new ProtocolError(
      `${request.method} ${request.url} returned no usable execution context: ${parsed.issue}`,
      { request },
    );
  }
  return toExecutionContext(parsed.value);
}

export function toExecutionContext(wire: WireExecutionContext): HubExecutionContext {
  return {
    id: wire.id,
    name: wire.name,
    scope: wire.scope,
    defaultForSpaces: wire.defaultForSpaces ?? [],
    capacity: capacityOf(wire),
    raw: wire as Record<string, unknown>,
  };
}

/**
 * Judges whether a context can load another job.
 *
 * NOTE: KNIME documents the context states (running, stopped, at full capacity, disabled) but no
 * field that carries them. The client derives them from `isDisabled`, from loaded jobs against
 * `maxLoadedJobsPerExecutor` times `maxExecutors`, and, for a stopped context, from a minimum of
 * zero executors together with auto-start turned off.
 */
export function capacityOf(wire: WireExecutionContext): ExecutionContextCapacity {
  const perExecutor = wire.maxLoadedJobsPerExecutor;
  const maxExecutors = wire.operationInfo?.maxExecutors;
  const minExecutors = wire.operationInfo?.minExecutors;
  const maxLoadedJobs =
    perExecutor === undefined || perExecutor >= NO_LIMIT
      ? undefined
      : perExecutor * Math.max(1, maxExecutors ?? 1);
  const loadedJobs = wire.liveMetrics?.loadedJobs;

  let status: ExecutionContextCapacity['status'] = 'available';
  if (wire.isDisabled === true) status = 'disabled';
  else if (minExecutors === 0 && wire.operationInfo?.autoStart?.enabled === false) status = 'stopped';
  else if (maxLoadedJobs !== undefined && loadedJobs !== undefined && loadedJobs >= maxLoadedJobs)
    status = 'full';

  return {
    status,
    loadedJobs,
    maxLoadedJobs,
    jobs: wire.liveMetrics?.jobs,
    minExecutors,
    maxExecutors,
  };
}
