import type { Hono } from 'hono';
import { mergeInputs, queryInputs, readIdArray, readInputs, readJsonObject } from './body.js';
import { type Deployment, deploymentJson } from './deployments.js';
import { newJob, runOneShot } from './execution.js';
import {
  apiUrl,
  booleanQuery,
  control,
  type HubContext,
  type HubEnv,
  HubError,
  KNIME_NAMESPACES,
  noContent,
  requestIdOf,
  respond,
  timeoutQuery,
} from './http.js';
import { jobJson } from './job-json.js';
import { workflowOpenApi } from './openapi.js';
import type { DeploymentType } from './options.js';
import { type ListSpec, pageOf } from './paging.js';
import { type HubParts, mayAct, requireDeployment, requireScope } from './parts.js';
import { jobListResponse } from './routes-jobs.js';

/** Creation path segment to deployment type; the singular forms are those of recorded Hub links. */
const CREATION_PATHS: Record<string, { type: DeploymentType; plural: boolean }> = {
  rest: { type: 'rest', plural: true },
  schedules: { type: 'schedule', plural: true },
  'data-apps': { type: 'data-app', plural: true },
  triggers: { type: 'trigger', plural: true },
  schedule: { type: 'schedule', plural: false },
  'data-app': { type: 'data-app', plural: false },
  trigger: { type: 'trigger', plural: false },
};

/** List path segment below `/deployments/{scope}` to deployment type. */
const TYPE_SEGMENTS: Record<string, DeploymentType> = {
  rest: 'rest',
  schedules: 'schedule',
  'data-apps': 'data-app',
  triggers: 'trigger',
};

const deploymentListSpec: ListSpec<Deployment> = {
  filters: {
    workflowPath: { value: (d) => d.item.path },
    workflowId: { value: (d) => d.item.id },
    creator: { value: (d) => d.creator.id },
    executionContextId: { value: (d) => d.context.id },
  },
  sorts: {
    workflowId: (d) => d.item.id,
    workflowPath: (d) => d.item.path,
    itemVersion: (d) => d.itemVersion,
    creator: (d) => d.creator.id,
    executionContextId: (d) => d.context.id,
    type: (d) => d.type,
    createdAt: (d) => d.createdAt,
  },
  defaultSort: 'createdAt',
};

/** `DeploymentList` response, paged and filtered after the request's query. */
export function deploymentListResponse(
  c: HubContext,
  parts: HubParts,
  deployments: readonly Deployment[],
  scope?: string,
): Response {
  const workflowUri = c.req.query('workflowUri');
  let selected = [...deployments];
  if (workflowUri !== undefined) {
    const item = parts.spaces.find(workflowUri);
    if (!item) throw new HubError(422, `Item '${workflowUri}' does not exist.`);
    selected = selected.filter((d) => d.item.id === item.id);
    const version = c.req.query('itemVersion');
    if (version !== undefined) selected = selected.filter((d) => d.itemVersion === version);
  } else if (c.req.query('itemVersion') !== undefined) {
    throw new HubError(422, 'Invalid query parameters.', ["'itemVersion' needs 'workflowUri'."]);
  }
  const page = pageOf(c, selected, deploymentListSpec, c.req.url);
  const controls: Record<string, unknown> = { ...page.controls };
  if (scope !== undefined) {
    for (const [segment, type] of Object.entries(TYPE_SEGMENTS)) {
      controls[`knime:new-${type}-deployment`] = control(
        `${apiUrl(c, `/deployments/${segment}`)}?workflowUri={path}{&itemVersion}`,
        'POST',
      );
      controls[`knime:${type}-collection`] = control(
        apiUrl(c, `/deployments/{account-id}/${segment}`),
        'GET',
      );
    }
  }
  return respond(
    c,
    {
      '@namespaces': KNIME_NAMESPACES,
      '@controls': controls,
      ...(page.pagination ? { pagination: page.pagination } : {}),
      deployments: page.items.map((d) => deploymentJson(c, d, parts.options)),
    },
    { etag: true },
  );
}

/** Registers the `/deployments` routes. */
export function registerDeploymentRoutes(app: Hono<HubEnv>, parts: HubParts): void {
  const { deployments, jobs, options } = parts;
  const visible = (c: HubContext) => [...deployments.values()].filter((d) => mayAct(parts, c, d.scope));

  app.get('/deployments/shared', (c) => respond(c, { '@namespaces': KNIME_NAMESPACES, deployments: [] }));
  app.get('/deployments/data-apps', (c) =>
    deploymentListResponse(
      c,
      parts,
      visible(c).filter((d) => d.type === 'data-app'),
    ),
  );

  app.post('/deployments/:kind', async (c) => {
    const kind = CREATION_PATHS[c.req.param('kind')];
    if (!kind || (!kind.plural && options.deploymentCreationPaths === 'plural')) {
      throw new HubError(404, `No deployment type at POST /deployments/${c.req.param('kind')}.`, [
        'Use /deployments/rest, /deployments/schedules, /deployments/data-apps or /deployments/triggers.',
      ]);
    }
    const deployment = await createDeployment(c, parts, kind.type);
    return respond(c, deploymentJson(c, deployment, options), { status: 201 });
  });

  app.get('/deployments/:key', (c) => {
    const key = c.req.param('key');
    if (key.startsWith('account:') || key === 'hub:global') {
      requireScope(parts, c, key, `the deployments of '${key}'`);
      return deploymentListResponse(
        c,
        parts,
        [...deployments.values()].filter((d) => d.scope === key),
        key,
      );
    }
    const deployment = requireDeployment(parts, c, key);
    return respond(
      c,
      { ...deploymentJson(c, deployment, options), '@namespaces': KNIME_NAMESPACES },
      { etag: true },
    );
  });

  app.get('/deployments/:scope/:segment{rest|schedules|data-apps|triggers}', (c) => {
    const scope = c.req.param('scope');
    const type = TYPE_SEGMENTS[c.req.param('segment')];
    requireScope(parts, c, scope, `the deployments of '${scope}'`);
    return deploymentListResponse(
      c,
      parts,
      [...deployments.values()].filter((d) => d.scope === scope && d.type === type),
    );
  });

  app.put('/deployments/:id', async (c) => {
    const deployment = requireDeployment(parts, c, c.req.param('id'));
    const body = await readJsonObject(c);
    applyUpdate(parts, deployment, body);
    return respond(c, deploymentJson(c, deployment, options));
  });

  app.delete('/deployments/:id', (c) => {
    const deployment = requireDeployment(parts, c, c.req.param('id'));
    deployments.delete(deployment.id);
    return noContent(c);
  });

  app.delete('/deployments', async (c) => {
    const ids = await readIdArray(c, 'deployment');
    const found = ids.map((id) => requireDeployment(parts, c, id));
    for (const deployment of found) deployments.delete(deployment.id);
    return noContent(c);
  });

  app.post('/deployments/:id/jobs', async (c) => {
    const deployment = requireDeployment(parts, c, c.req.param('id'), 422);
    const asyncLoading = booleanQuery(c, 'asyncLoading') ?? false;
    const resetBeforeExecution = booleanQuery(c, 'resetBeforeExecution') ?? false;
    if (asyncLoading && resetBeforeExecution) {
      throw new HubError(422, 'Invalid query parameters.', [
        "'asyncLoading=true' cannot be combined with 'resetBeforeExecution=true'.",
      ]);
    }
    const context = parts.contexts.forNewJob(deployment.context.id);
    const reference = parts.spaces.resolveWorkflow(deployment.item.id, deployment.itemVersion, 422);
    let view = await newJob(c, parts, {
      reference,
      context,
      deployment,
      timeoutMs: timeoutQuery(c, deployment.loadTimeoutMs),
      asyncLoading,
      presetInputs: queryInputs(c).values ?? {},
    });
    const loadable = view.states.jobState === 'LOADED' || view.states.jobState === 'LOADING';
    if (options.autoExecuteDeploymentTypes.includes(deployment.type) && loadable) {
      view = await jobs
        .execute(view.job, {}, { reset: false, async: true, timeoutMs: deployment.executionTimeoutMs })
        .catch((error: unknown) => {
          jobs.discard(view.job);
          throw error;
        });
    }
    return respond(c, jobJson(c, view, jobs, options, { full: true, root: true }), { status: 201 });
  });

  app.get('/deployments/:id/jobs', (c) => {
    const deployment = requireDeployment(parts, c, c.req.param('id'), 422);
    return jobListResponse(
      c,
      parts,
      jobs.all().filter((job) => job.origin.deployment?.id === deployment.id),
    );
  });

  const deploymentExecution = async (c: HubContext, withBody: boolean) => {
    const deployment = requireDeployment(parts, c, c.req.param('id') ?? '');
    const context = parts.contexts.forNewJob(deployment.context.id);
    const request = withBody
      ? mergeInputs(queryInputs(c), await readInputs(c, context.maxJobInOutSizeMb))
      : queryInputs(c);
    return runOneShot(c, parts, {
      reference: parts.spaces.resolveWorkflow(deployment.item.id, deployment.itemVersion),
      context,
      deployment,
      request,
      reset: booleanQuery(c, 'reset') ?? false,
      timeoutMs: timeoutQuery(c, deployment.executionTimeoutMs),
      keepJob: booleanQuery(c, 'keepJob') ?? false,
    });
  };
  app.post('/deployments/:id/execution', (c) => deploymentExecution(c, true));
  app.get('/deployments/:id/execution', (c) => deploymentExecution(c, false));

  app.get('/deployments/:id/open-api', (c) => {
    const deployment = requireDeployment(parts, c, c.req.param('id'));
    if (deployment.type !== 'rest') {
      throw new HubError(
        400,
        `Deployment '${deployment.id}' is a ${deployment.type} deployment, not a REST service.`,
      );
    }
    const reference = parts.spaces.resolveWorkflow(deployment.item.id, deployment.itemVersion);
    return c.json(
      workflowOpenApi(reference.workflow, deployment.name, apiUrl(c, `/deployments/${deployment.id}`)),
      200,
      {
        'x-request-id': requestIdOf(c),
      },
    );
  });
}

/**
 * Creates a deployment from `POST /deployments/<type>?workflowUri=&itemVersion=` and a
 * `DeploymentCreation` body (`name` required).
 *
 * @throws {HubError} 422 for a missing `itemVersion` or `name`, or a bad field; 404 for an unknown workflow.
 */
async function createDeployment(c: HubContext, parts: HubParts, type: DeploymentType): Promise<Deployment> {
  const itemVersion = c.req.query('itemVersion') ?? c.req.query('spaceVersion');
  if (itemVersion === undefined || itemVersion === '') {
    throw new HubError(422, 'Invalid query parameters.', [
      "'itemVersion' is required: a version number, 'most-recent' or 'current-state'.",
    ]);
  }
  const reference = parts.spaces.resolveWorkflow(c.req.query('workflowUri'), itemVersion, 422);
  requireScope(parts, c, reference.item.owner.id, `workflow '${reference.item.path}'`);
  const body = await readJsonObject(c);
  if (typeof body.name !== 'string' || body.name.trim() === '') {
    throw new HubError(422, 'Invalid request body.', ["'name' is required."]);
  }
  const context = parts.contexts.forNewJob(
    typeof body.executionContext === 'string' ? body.executionContext : undefined,
  );
  const now = parts.engine.clock.now();
  const caller = c.var.hub.caller.user;
  const deployment: Deployment = {
    id: `${type}:${parts.engine.options.newJobId()}`,
    type,
    name: body.name,
    description: typeof body.description === 'string' ? body.description : '',
    scope: reference.item.owner.id,
    creator: caller,
    item: reference.item,
    itemVersion,
    context,
    runMode: body.runMode === 'INITIATOR' ? 'INITIATOR' : 'ACCOUNT',
    enabled: body.enabled !== false,
    configuration: {},
    actions: [],
    loadTimeoutMs: context.defaultLoadTimeoutMs,
    executionTimeoutMs: context.defaultExecutionTimeoutMs,
    extra: {},
    createdAt: now,
    modifiedAt: now,
  };
  applyUpdate(parts, deployment, body);
  if (type === 'trigger' && deployment.extra.filters === undefined) {
    throw new HubError(422, 'Invalid request body.', ["A trigger deployment needs 'filters'."]);
  }
  if (type === 'schedule' && deployment.extra.schedule === undefined) {
    throw new HubError(422, 'Invalid request body.', [
      "A schedule deployment needs 'schedule' with at least 'startTime'.",
    ]);
  }
  parts.deployments.set(deployment.id, deployment);
  return deployment;
}

/** Applies a partial update: omitted fields stay, listed fields change. @throws {HubError} 422. */
function applyUpdate(parts: HubParts, deployment: Deployment, body: Record<string, unknown>): void {
  const problems: string[] = [];
  if (body.name !== undefined) {
    if (typeof body.name === 'string' && body.name.trim() !== '') deployment.name = body.name;
    else problems.push("'name' must be a non-empty string.");
  }
  if (body.description !== undefined && typeof body.description === 'string')
    deployment.description = body.description;
  if (body.runMode !== undefined) {
    if (body.runMode === 'ACCOUNT' || body.runMode === 'INITIATOR') deployment.runMode = body.runMode;
    else problems.push("'runMode' must be ACCOUNT or INITIATOR.");
  }
  if (body.enabled !== undefined) {
    if (typeof body.enabled === 'boolean') deployment.enabled = body.enabled;
    else problems.push("'enabled' must be a boolean.");
  }
  if (body.configuration !== undefined) {
    if (body.configuration === null) deployment.configuration = {};
    else if (typeof body.configuration === 'object' && !Array.isArray(body.configuration)) {
      deployment.configuration = body.configuration as Record<string, unknown>;
    } else problems.push("'configuration' must be an object.");
  }
  if (body.actions !== undefined) {
    if (
      Array.isArray(body.actions) &&
      body.actions.every(
        (a) => typeof a === 'object' && a !== null && typeof (a as { type?: unknown }).type === 'string',
      )
    ) {
      deployment.actions = body.actions;
    } else problems.push("'actions' must be an array of objects with a 'type'.");
  }
  const itemVersion = body.itemVersion ?? body.spaceVersion;
  if (itemVersion !== undefined) {
    if (typeof itemVersion === 'string') {
      parts.spaces.resolveVersion(deployment.item, itemVersion, 422);
      deployment.itemVersion = itemVersion;
    } else problems.push("'itemVersion' must be a string.");
  }
  if (body.schedule !== undefined) {
    const schedule = body.schedule as Record<string, unknown> | null;
    if (deployment.type !== 'schedule') problems.push("'schedule' applies only to schedule deployments.");
    else if (schedule === null || typeof schedule !== 'object' || typeof schedule.startTime !== 'string') {
      problems.push("'schedule' must be an object with a 'startTime' date-time.");
    } else {
      deployment.extra = {
        ...deployment.extra,
        schedule,
        reset: true,
        executionRetries: 0,
        maxFailures: 0,
        numFailures: 0,
        targetName: deployment.name,
      };
    }
  }
  if (body.filters !== undefined) {
    if (deployment.type !== 'trigger') problems.push("'filters' applies only to trigger deployments.");
    else if (!Array.isArray(body.filters) || !body.filters.every(isTriggerFilter)) {
      problems.push(
        "'filters' must be an array of {spaces: [...], itemTypes: [...], actionTypes: [...]} with at least one item and action type each.",
      );
    } else deployment.extra = { ...deployment.extra, filters: body.filters };
  }
  if (problems.length > 0) throw new HubError(422, 'Invalid request body.', problems);
  deployment.modifiedAt = parts.engine.clock.now();
}

const TRIGGER_ACTION_TYPES = new Set(['ADDED', 'UPDATED', 'REMOVED', 'VERSION_CREATED']);
const TRIGGER_ITEM_TYPES = new Set(['Component', 'Data', 'WorkflowGroup', 'Workflow']);

/** Checks a trigger filter; `VERSION_CREATED` is accepted because recorded Hub triggers use it. */
function isTriggerFilter(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const { spaces, itemTypes, actionTypes } = value as Record<string, unknown>;
  return (
    Array.isArray(spaces) &&
    Array.isArray(itemTypes) &&
    itemTypes.length > 0 &&
    itemTypes.every((type) => TRIGGER_ITEM_TYPES.has(type as string)) &&
    Array.isArray(actionTypes) &&
    actionTypes.length > 0 &&
    actionTypes.every((type) => TRIGGER_ACTION_TYPES.has(type as string))
  );
}
