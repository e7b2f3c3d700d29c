import type { UserAccount } from './accounts.js';
import type { ExecutionContext } from './contexts.js';
import { apiUrl, control, type HubContext } from './http.js';
import type { DeploymentType, HubAppOptions } from './options.js';
import type { HubItem } from './spaces.js';
import { formatTimestamp, isoDuration } from './wire.js';

/** A deployment of one workflow version, owned by the scope of the workflow's space. */
export interface Deployment {
  readonly id: string;
  readonly type: DeploymentType;
  name: string;
  description: string;
  readonly scope: string;
  readonly creator: UserAccount;
  readonly item: HubItem;
  /** `current-state`, `most-recent` or a version number, as sent on creation. */
  itemVersion: string;
  readonly context: ExecutionContext;
  runMode: 'ACCOUNT' | 'INITIATOR';
  enabled: boolean;
  configuration: Record<string, unknown>;
  actions: unknown[];
  loadTimeoutMs: number;
  executionTimeoutMs: number;
  /** Type-specific body members: `schedule` for schedules, `filters` for triggers. */
  extra: Record<string, unknown>;
  readonly createdAt: number;
  modifiedAt: number;
}

/** Reads whether the deployment's `DiscardAfterExecution` action discards jobs after success or failure. */
export function discardFlagsOf(deployment: Deployment): { onSuccess: boolean; onFailure: boolean } {
  let onSuccess = false;
  let onFailure = false;
  for (const action of deployment.actions) {
    if (typeof action !== 'object' || action === null) continue;
    const { type, onSuccess: success, onFailure: failure } = action as Record<string, unknown>;
    if (type !== 'DiscardAfterExecution') continue;
    onSuccess ||= success === true;
    onFailure ||= failure === true;
  }
  return { onSuccess, onFailure };
}

const OVERRIDABLE = [
  'cpuRequirement',
  'loadTimeout',
  'updateLinkedComponents',
  'asyncLoadTimeout',
  'maxJobTimeInMemory',
  'maxJobLifeTime',
  'executionTimeout',
  'reportTimeout',
  'swapTimeout',
  'maxJobExecutionTime',
  'discardAfterMaxExecutionTime',
  'ramRequirement',
  'saveWorkflowSummary',
];

/** Deployment JSON in the shape of the recorded Hub deployment list. */
export function deploymentJson(
  c: HubContext,
  deployment: Deployment,
  options: Pick<HubAppOptions, 'timestampFormat' | 'timeZone'>,
): Record<string, unknown> {
  const self = apiUrl(c, `/deployments/${deployment.id}`);
  const controls: Record<string, unknown> = {
    self: control(self, 'GET'),
    'knime:execution-context': control(apiUrl(c, `/execution-contexts/${deployment.context.id}`), 'GET'),
    edit: control(self, 'PUT', { title: 'Edit deployment', encoding: 'Json' }),
    'knime:delete': control(self, 'DELETE'),
    'knime:change-permissions': control(
      apiUrl(c, `/permissions/policies/${deployment.type.replace('-', '_')}_deployment/${deployment.id}`),
      'GET',
    ),
    'knime:new-job': control(`${self}/jobs{?asyncLoading,timeout}`, 'POST'),
  };
  if (deployment.type !== 'data-app') {
    controls['knime:execution'] = control(`${self}/execution{?reset,format,timeout}`, 'POST');
  }
  controls['knime:workflow'] = control(apiUrl(c, `/knime/rest/v4/repository/${deployment.item.id}`), 'GET');

  const time = (ms: number) => formatTimestamp(ms, 'deployment', options);
  return {
    '@controls': controls,
    id: deployment.id,
    type: deployment.type,
    name: deployment.name,
    scope: deployment.scope,
    runMode: deployment.runMode,
    creator: deployment.creator.id,
    creatorName: deployment.creator.name,
    workflowPath: deployment.item.path,
    workflowId: deployment.item.id,
    spaceVersion: deployment.itemVersion,
    itemVersion: deployment.itemVersion,
    executionContext: deployment.context.id,
    createdAt: time(deployment.createdAt),
    modifiedAt: time(deployment.modifiedAt),
    enabled: deployment.enabled,
    ...(Object.keys(deployment.configuration).length === 0
      ? {}
      : { configuration: deployment.configuration }),
    actions: deployment.actions,
    cpuRequirement: 0,
    loadTimeout: isoDuration(deployment.loadTimeoutMs),
    updateLinkedComponents: false,
    asyncLoadTimeout: isoDuration(deployment.loadTimeoutMs),
    maxJobTimeInMemory: 'PT1H',
    maxJobLifeTime: 'PT24H',
    executionTimeout: isoDuration(deployment.executionTimeoutMs),
    reportTimeout: 'PT5M',
    swapTimeout: 'PT1M',
    maxJobExecutionTime: 'PT24H',
    discardAfterMaxExecutionTime: false,
    ramRequirement: 0,
    saveWorkflowSummary: false,
    defaultProperties: [],
    overridableProperties: OVERRIDABLE,
    readOnlyProperties: [],
    description: deployment.description,
    tags: [],
    ...deployment.extra,
  };
}
