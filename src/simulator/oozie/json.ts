import type { CoordinatorActionRecord, CoordinatorJob } from './coordinator.js';
import { formatConfiguration, rfc822 } from './wire.js';
import type { ActionRecord, WorkflowJob } from './workflow.js';

/** `show=info` body of a workflow job, with the field names of Oozie's `WorkflowJobBean`. */
export function workflowInfo(
  job: WorkflowJob,
  publicUrl: string,
  withActions = true,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: job.id,
    appName: job.appName,
    appPath: job.appPath,
    externalId: job.externalId,
    parentId: job.parentId,
    user: job.user,
    group: job.group,
    acl: job.acl,
    status: job.status,
    conf: formatConfiguration(job.conf),
    createdTime: rfc822(job.createdMs),
    startTime: rfc822(job.startMs),
    endTime: rfc822(job.endMs),
    lastModTime: rfc822(job.lastModMs),
    run: job.run,
    consoleUrl: `${publicUrl}?job=${job.id}`,
    toString: `Workflow id[${job.id}] status[${job.status}]`,
  };
  if (withActions) body.actions = job.actions.map((action) => actionInfo(action));
  return body;
}

function actionInfo(action: ActionRecord): Record<string, unknown> {
  const isControl = action.type.startsWith(':');
  return {
    id: action.id,
    name: action.name,
    type: action.type,
    cred: 'null',
    conf: isControl ? null : `<${action.type} xmlns="uri:oozie:${action.type}-action:0.3"/>`,
    status: action.status,
    retries: action.retries,
    userRetryCount: 0,
    userRetryMax: 0,
    userRetryInterval: 10,
    startTime: rfc822(action.startMs),
    endTime: rfc822(action.endMs),
    transition: action.transition,
    data: action.data,
    stats: null,
    externalId: action.externalId,
    externalChildIDs: null,
    externalStatus: action.externalStatus,
    trackerUri: isControl ? '-' : 'rm.example.test:8032',
    consoleUrl:
      isControl || !action.externalId
        ? '-'
        : `http://rm.example.test:8088/proxy/${action.externalId.replace(/^job_/, 'application_')}/`,
    errorCode: action.errorCode,
    errorMessage: action.errorMessage,
    toString: `Action name[${action.name}] status[${action.status}]`,
  };
}

/**
 * `show=info` body of a coordinator job: the server's `coordJobId`/`coordJobName` keys, or the
 * WS API document's `id`/`appName` when `docShapes` is set. Actions only when `len` is given, as v2 does.
 */
export function coordinatorInfo(
  job: CoordinatorJob,
  publicUrl: string,
  options: { docShapes: boolean; offset?: number; len?: number; version: number },
): Record<string, unknown> {
  const idKey = options.docShapes ? 'id' : 'coordJobId';
  const nameKey = options.docShapes ? 'appName' : 'coordJobName';
  const pathKey = options.docShapes ? 'appPath' : 'coordJobPath';
  const body: Record<string, unknown> = {
    [idKey]: job.id,
    [nameKey]: job.appName,
    [pathKey]: job.appPath,
    coordExternalId: job.externalId,
    bundleId: null,
    status: job.status,
    frequency: String(job.app.frequencyMinutes),
    timeUnit: 'MINUTE',
    timeZone: 'UTC',
    concurrency: 1,
    execution: 'FIFO',
    timeOut: 120,
    lastAction: rfc822(job.actions[job.actions.length - 1]?.nominalMs),
    nextMaterializedTime: rfc822(job.startMs + job.actions.length * job.app.frequencyMinutes * 60_000),
    startTime: rfc822(job.startMs),
    endTime: rfc822(job.endMs),
    pauseTime: null,
    createdTime: rfc822(job.createdMs),
    user: job.user,
    group: null,
    acl: null,
    consoleUrl: `${publicUrl}?job=${job.id}`,
    mat_throttling: 12,
    total: job.actions.length,
    conf: formatConfiguration(job.conf),
  };

  const showActions = options.version === 1 || options.len !== undefined;
  const offset = Math.max(1, options.offset ?? 1);
  const len = options.len ?? 1000;
  body.actions = showActions
    ? job.actions.slice(offset - 1, offset - 1 + len).map((action) => coordinatorActionInfo(action, job))
    : [];
  return body;
}

export function coordinatorActionInfo(
  action: CoordinatorActionRecord,
  job: CoordinatorJob,
): Record<string, unknown> {
  return {
    id: action.id,
    coordJobId: job.id,
    type: null,
    actionNumber: action.actionNumber,
    createdConf: null,
    createdTime: rfc822(action.createdMs),
    nominalTime: rfc822(action.nominalMs),
    externalId: action.externalId,
    status: action.status,
    runConf: null,
    lastModifiedTime: rfc822(action.lastModMs),
    missingDependencies: '',
    pushMissingDependencies: null,
    externalStatus: null,
    trackerUri: null,
    consoleUrl: null,
    errorCode: action.errorCode,
    errorMessage: action.errorMessage,
  };
}
