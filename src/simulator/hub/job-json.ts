import { apiUrl, control, type HubContext, KNIME_NAMESPACES } from './http.js';
import type { HubJobs, JobView } from './jobs.js';
import type { HubAppOptions } from './options.js';
import { formatTimestamp } from './wire.js';

export interface JobJsonShape {
  /** Full job (`GET /jobs/{uuid}`, execution responses) or list entry (without inputs and outputs). */
  readonly full: boolean;
  /** Add `@namespaces`, for a job that is the document root. */
  readonly root?: boolean;
}

/** Bytes of JSON text, as counted against `maxJobInOutSize`. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/** Job JSON with the fields of the execution-service `WorkflowJob` schema. */
export function jobJson(
  c: HubContext,
  view: JobView,
  jobs: HubJobs,
  options: HubAppOptions,
  shape: JobJsonShape,
): Record<string, unknown> {
  const { job, snapshot, states } = view;
  const time = (ms: number) => formatTimestamp(ms, 'job', options);
  const origin = job.origin;
  const deploymentId = origin.deployment
    ? options.deploymentIdFormat === 'uuid'
      ? origin.deployment.id.slice(origin.deployment.id.indexOf(':') + 1)
      : origin.deployment.id
    : undefined;

  const body: Record<string, unknown> = {
    id: job.id,
    name: job.name ?? snapshot?.name ?? `${job.reference.workflow.name} (waiting for an executor)`,
    scope: origin.scope,
    executionContext: job.context.id,
    ...(deploymentId === undefined ? {} : { deploymentId }),
    workflow: job.reference.item.path,
    workflowId: job.reference.item.id,
    ...(job.reference.version === undefined ? {} : { itemVersion: String(job.reference.version) }),
    creator: origin.creator.id,
    creatorName: origin.creator.name,
    initiator: origin.initiator.id,
    initiatorName: origin.initiator.name,
    createdVia: origin.createdVia,
    ...(origin.createdBy === undefined ? {} : { createdBy: origin.createdBy }),
    state: states.state,
    jobState: states.jobState,
    workflowState: states.workflowState,
    isSwapped: snapshot?.isSwapped ?? false,
    isOutdated: false,
    hasReport: false,
    discardAfterSuccessfulExec: origin.discardAfterSuccessfulExec,
    discardAfterFailedExec: origin.discardAfterFailedExec,
    actions: origin.actions,
    requiredExecutionContextFeatures: origin.requiredExecutionContextFeatures,
    nodeMessages: jobs.nodeMessagesOf(view),
    createdAt: time(job.createdAt),
    ...(snapshot?.startedExecutionAt === undefined
      ? {}
      : { startedExecutionAt: time(snapshot.startedExecutionAt) }),
    ...(snapshot?.finishedExecutionAt === undefined
      ? {}
      : { finishedExecutionAt: time(snapshot.finishedExecutionAt) }),
  };
  if (states.jobState === 'LOADED' || states.jobState === 'SWAPPED') {
    body.executorID = `${job.context.id}@00000000-0000-4000-8000-000000000001`;
    body.executorName = `${job.context.name} executor`;
    if (states.jobState === 'LOADED') body.executorIPs = ['127.0.0.1'];
  }

  if (shape.full) {
    body.configuration = origin.configuration;
    body[options.inputParametersKey] = { ...snapshot?.inputParameters, ...job.presetInputs };
    body.inputResources = {};
    const outputs = snapshot?.outputValues ?? {};
    const limitBytes = job.context.maxJobInOutSizeMb * 1024 * 1024;
    if (jsonBytes(outputs) > limitBytes) {
      body.outputValues = {};
      body['@error'] = {
        '@message': `The output values exceed the inline limit of ${job.context.maxJobInOutSizeMb} MB (maxJobInOutSize) and are not included.`,
      };
    } else {
      body.outputValues = outputs;
    }
    body.outputResources = outputResourcesOf(c, view);
  }

  if (options.jobControls === 'self') {
    const self = apiUrl(c, `/jobs/${job.id}`);
    const controls: Record<string, unknown> = { self: control(self, 'GET') };
    if (origin.deployment?.type === 'data-app') {
      controls['knime:new-session'] = control(`${self}/sessions`, 'POST');
      controls['knime:new-view-session'] = control(`${self}/view-sessions`, 'POST');
    }
    body['@controls'] = controls;
  }
  if (shape.root) body['@namespaces'] = KNIME_NAMESPACES;
  return body;
}

/** Output resource name to its download URL, once the execution produced its outputs. */
function outputResourcesOf(c: HubContext, view: JobView): Record<string, string> {
  const state = view.states.workflowState;
  if (state !== 'EXECUTION_FINISHED' && state !== 'EXECUTION_FAILED_WITH_CONTENT' && state !== 'EXECUTED')
    return {};
  return Object.fromEntries(
    view.job.reference.workflow.outputResources.map((resource) => [
      resource.name,
      apiUrl(c, `/jobs/${view.job.id}/output-resources/${encodeURIComponent(resource.name)}`),
    ]),
  );
}
