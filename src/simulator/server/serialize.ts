import type { JobSnapshot } from '../engine/engine.js';
import type { WorkspaceItem } from '../workspace/model.js';
import type { Authenticator } from './auth.js';
import { itemUrl, KNIME_NAMESPACES, type RequestScope } from './http.js';
import type { ServerAppOptions } from './options.js';

/** Timestamp in the configured wire format. */
export function formatTime(epochMs: number, format: ServerAppOptions['timestampFormat']): string | number {
  switch (format) {
    case 'epoch-ms':
      return epochMs;
    case 'epoch-seconds':
      return epochMs / 1000;
    default:
      return new Date(epochMs).toISOString();
  }
}

export interface JobJsonOptions {
  /** Add `@namespaces`, for a job that is the document root. */
  root?: boolean;
  /** Leave out `@controls`, for a job that no longer exists. */
  withoutControls?: boolean;
}

/** Job JSON with the fields KNIME Server jobs carry. */
export function jobJson(
  job: JobSnapshot,
  scope: RequestScope,
  options: ServerAppOptions,
  shape: JobJsonOptions = {},
): Record<string, unknown> {
  const time = (ms: number) => formatTime(ms, options.timestampFormat);
  const body: Record<string, unknown> = {
    id: job.id,
    name: job.name,
    workflow: job.workflow,
    owner: job.owner,
    state: job.state,
    createdAt: time(job.createdAt),
    ...(job.startedExecutionAt === undefined ? {} : { startedExecutionAt: time(job.startedExecutionAt) }),
    ...(job.finishedExecutionAt === undefined ? {} : { finishedExecutionAt: time(job.finishedExecutionAt) }),
    createdVia: job.createdVia,
    isOutdated: false,
    isSwapped: job.isSwapped,
    hasReport: false,
    discardAfterSuccessfulExec: job.discardAfterSuccessfulExec,
    discardAfterFailedExec: job.discardAfterFailedExec,
    nodeMessages: job.nodeMessages,
    notifications: {},
    properties: {},
  };
  if (options.jobInputParameters) body.inputParameters = job.inputParameters;
  if (options.jobExecutorFields) {
    body.executorName = 'simulated-executor';
    body.executorID = '00000000-0000-4000-8000-000000000001';
  }
  if (job.outputValues !== undefined) body.outputValues = job.outputValues;

  if (options.controls && !shape.withoutControls) {
    const href = `${scope.rest}/jobs/${job.id}`;
    body['@controls'] = {
      self: { href, method: 'GET' },
      'knime:execute-job': { href: `${href}{?async}`, isHrefTemplate: true, method: 'POST' },
      'knime:delete': { href, method: 'DELETE' },
    };
  }
  if (shape.root) body['@namespaces'] = KNIME_NAMESPACES;
  return body;
}

export interface ItemJsonContext {
  readonly scope: RequestScope;
  readonly options: ServerAppOptions;
  readonly auth: Authenticator;
  /** `:data` downloads are served, so items get a `knime:download` control. */
  readonly downloads: boolean;
}

/**
 * Repository item JSON. Folders list their children one level deep, or the whole subtree when
 * `deep` is set. Items the user may not use keep `path` and `type` but lose their `@controls`.
 */
export function itemJson(
  item: WorkspaceItem,
  context: ItemJsonContext,
  deep: boolean,
  root = true,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    path: item.path,
    name: item.name,
    type: item.type,
    owner: context.options.repositoryOwner,
  };

  if (item.type === 'WorkflowGroup' && (root || deep)) {
    body.children = item.children.map((child) => itemJson(child, context, deep, false));
  }

  const usable = context.auth.mayUse(context.scope.user, item.path);
  if (context.options.controls && usable) body['@controls'] = itemControls(item, context);
  if (root) body['@namespaces'] = KNIME_NAMESPACES;
  return body;
}

function itemControls(item: WorkspaceItem, context: ItemJsonContext): Record<string, unknown> {
  const url = (suffix = '') => itemUrl(context.scope.rest, item.path, suffix);
  const controls: Record<string, unknown> = { self: { href: url(), method: 'GET' } };
  if (context.downloads && item.type !== 'Data')
    controls['knime:download'] = { href: url(':data'), method: 'GET' };
  if (item.type === 'Workflow') {
    controls['knime:openapi'] = { href: url(':openapi'), method: 'GET' };
    controls['knime:jobs'] = { href: url(':jobs'), method: 'GET' };
  }
  return controls;
}
