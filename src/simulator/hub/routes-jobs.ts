import type { Hono } from 'hono';
import { mergeInputs, queryInputs, readIdArray, readInputs, readJsonObject } from './body.js';
import { executionResponse, newJob, runOneShot } from './execution.js';
import {
  apiUrl,
  booleanQuery,
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
import type { HubJob, HubJobs, JobView } from './jobs.js';
import { workflowOpenApi } from './openapi.js';
import { type HubAppOptions, OUTPUT_RESOURCE_TIMEOUT_MS } from './options.js';
import { type ListSpec, pageOf } from './paging.js';
import { type HubParts, mayAct } from './parts.js';
import { resourceResponse } from './storage.js';
import { formatTimestamp } from './wire.js';

const JOB_STATES = [
  'UNDEFINED',
  'LOAD_REQUESTED',
  'LOADING',
  'LOADED',
  'LOAD_ERROR',
  'SWAP_REQUESTED',
  'SWAPPING',
  'SWAPPED',
  'VANISHED',
  'DISCARD_REQUESTED',
  'DISCARDED',
];
const WORKFLOW_STATES = [
  'UNDEFINED',
  'CONFIGURED',
  'IDLE',
  'NOT_EXECUTABLE',
  'EXECUTING',
  'EXECUTED',
  'EXECUTION_FAILED',
  'EXECUTION_CANCELLED',
  'EXECUTION_FINISHED',
  'INTERACTION_REQUIRED',
  'EXECUTION_FAILED_WITH_CONTENT',
];

/** Filters and sort keys of job lists, as the execution service documents them. */
export function jobListSpec(parts: HubParts): ListSpec<HubJob> {
  const states = (job: HubJob) => parts.jobs.view(job).states;
  return {
    filters: {
      workflowId: { value: (job) => job.reference.item.id },
      workflowPath: { value: (job) => job.reference.item.path },
      itemVersion: {
        value: (job) => (job.reference.version === undefined ? '' : String(job.reference.version)),
      },
      jobState: { value: (job) => states(job).jobState, allowed: JOB_STATES },
      workflowState: { value: (job) => states(job).workflowState, allowed: WORKFLOW_STATES },
      creator: { value: (job) => job.origin.creator.id },
      deploymentId: { value: (job) => job.origin.deployment?.id },
      executor: { value: (job) => `${job.context.id}@00000000-0000-4000-8000-000000000001` },
    },
    sorts: {
      id: (job) => job.id,
      name: (job) => job.name ?? parts.jobs.view(job).snapshot?.name ?? '',
      workflowId: (job) => job.reference.item.id,
      workflowPath: (job) => job.reference.item.path,
      itemVersion: (job) => job.reference.version ?? 0,
      jobState: (job) => states(job).jobState,
      workflowState: (job) => states(job).workflowState,
      creator: (job) => job.origin.creator.id,
      deploymentId: (job) => job.origin.deployment?.id ?? '',
      executor: (job) => job.context.id,
      createdAt: (job) => job.createdAt,
      startedAt: (job) => parts.jobs.view(job).snapshot?.startedExecutionAt ?? 0,
    },
    defaultSort: 'createdAt',
  };
}

/** `JobList` response of `jobs`, paged and filtered after the request's query. */
export function jobListResponse(c: HubContext, parts: HubParts, jobs: readonly HubJob[]): Response {
  const page = pageOf(c, jobs, jobListSpec(parts), c.req.url);
  return respond(
    c,
    {
      '@namespaces': KNIME_NAMESPACES,
      '@controls': page.controls,
      ...(page.pagination ? { pagination: page.pagination } : {}),
      jobs: page.items.map((job) =>
        jobJson(c, parts.jobs.view(job), parts.jobs, parts.options, { full: false }),
      ),
    },
    { etag: true },
  );
}

/** Looks up the job `uuid` for the caller. @throws {HubError} 404 unknown, 403 not allowed. */
export function requireJob(c: HubContext, parts: HubParts, uuid: string): HubJob {
  return parts.jobs.require(uuid, c.var.hub.caller, (scope) => mayAct(parts, c, scope));
}

/** Registers `/jobs`, `/execution` and the output-resource routes. */
export function registerJobRoutes(app: Hono<HubEnv>, parts: HubParts): void {
  const { jobs, spaces, contexts, options } = parts;

  app.get('/jobs', (c) => {
    const scopes = c.req.queries('scopes');
    const forCurrentUser = booleanQuery(c, 'forCurrentUser') ?? false;
    const workflowUri = c.req.query('workflowUri');
    const item = workflowUri === undefined ? undefined : spaces.find(workflowUri);
    if (workflowUri !== undefined && !item) throw new HubError(422, `Item '${workflowUri}' does not exist.`);
    const caller = c.var.hub.caller.user;
    const visible = jobs.all().filter((job) => {
      if (forCurrentUser && job.origin.creator.id !== caller.id && job.origin.initiator.id !== caller.id)
        return false;
      if (scopes && scopes.length > 0 && !scopes.includes(job.origin.scope)) return false;
      if (item && job.reference.item.id !== item.id) return false;
      return mayAct(parts, c, job.origin.scope) || job.origin.creator.id === caller.id;
    });
    return jobListResponse(c, parts, visible);
  });

  app.post('/jobs', async (c) => {
    const asyncLoading = booleanQuery(c, 'asyncLoading') ?? false;
    const resetBeforeExecution = booleanQuery(c, 'resetBeforeExecution') ?? false;
    if (asyncLoading && resetBeforeExecution) {
      throw new HubError(422, 'Invalid query parameters.', [
        "'asyncLoading=true' cannot be combined with 'resetBeforeExecution=true'.",
      ]);
    }
    const reference = spaces.resolveWorkflow(c.req.query('workflowUri'), c.req.query('itemVersion'), 422);
    const body = await readCreationBody(c);
    const context = contexts.forNewJob(body.executionContext);
    const view = await newJob(c, parts, {
      reference,
      context,
      timeoutMs: timeoutQuery(c, context.defaultLoadTimeoutMs),
      asyncLoading,
      ...(body.configuration ? { configuration: body.configuration } : {}),
      ...(body.actions ? { actions: body.actions } : {}),
      ...(body.requiredExecutionContextFeatures
        ? { requiredExecutionContextFeatures: body.requiredExecutionContextFeatures }
        : {}),
    });
    return respond(c, jobJson(c, view, jobs, options, { full: true, root: true }), { status: 201 });
  });

  app.delete('/jobs', async (c) => {
    const ids = await readIdArray(c, 'job');
    const found = ids.map((id) => requireJob(c, parts, id));
    for (const job of found) jobs.discard(job);
    return noContent(c);
  });

  app.get('/jobs/open-api', (c) => {
    const reference = spaces.resolveWorkflow(c.req.query('workflowUri'), c.req.query('itemVersion'), 422);
    return c.json(workflowOpenApi(reference.workflow, reference.item.path, apiUrl(c, '/jobs')), 200, {
      'x-request-id': requestIdOf(c),
    });
  });

  app.get('/jobs/:key', (c) => {
    const key = c.req.param('key');
    if (key.startsWith('account:') || key === 'hub:global') {
      if (!mayAct(parts, c, key)) {
        // The spec declares no 403 on this list; jobs of foreign scopes are simply not visible.
        return jobListResponse(c, parts, []);
      }
      return jobListResponse(
        c,
        parts,
        jobs.all().filter((job) => job.origin.scope === key),
      );
    }
    const job = requireJob(c, parts, key);
    return respond(c, jobJson(c, jobs.view(job), jobs, options, { full: true, root: true }), { etag: true });
  });

  app.post('/jobs/:uuid', async (c) => {
    const job = requireJob(c, parts, c.req.param('uuid'));
    const async = booleanQuery(c, 'async') ?? false;
    const reset = booleanQuery(c, 'reset') ?? false;
    const timeoutMs = timeoutQuery(c, job.context.defaultExecutionTimeoutMs);
    const request = await readInputs(c, job.context.maxJobInOutSizeMb);
    const view = await jobs.execute(job, request, { reset, async, timeoutMs, signal: c.req.raw.signal });
    return executionResponse(c, parts, view);
  });

  app.put('/jobs/:uuid', async (c) => {
    const job = requireJob(c, parts, c.req.param('uuid'));
    const reset = booleanQuery(c, 'reset') ?? false;
    timeoutQuery(c, job.context.defaultLoadTimeoutMs);
    const body = await readJsonObject(c);
    const current = jobJson(c, jobs.view(job), jobs, options, { full: true });
    applyJobUpdate(job, body, current);
    if (reset) jobs.reset(job);
    return respond(c, jobJson(c, jobs.view(job), jobs, options, { full: true, root: true }));
  });

  app.get('/jobs/:uuid/log', (c) => {
    const job = requireJob(c, parts, c.req.param('uuid'));
    timeoutQuery(c, job.context.defaultLoadTimeoutMs);
    return new Response(jobLog(jobs.view(job), jobs, options), {
      status: 200,
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-request-id': requestIdOf(c) },
    });
  });

  app.put('/jobs/:uuid/swap', (c) => {
    const job = requireJob(c, parts, c.req.param('uuid'));
    booleanQuery(c, 'asyncSwapping');
    timeoutQuery(c, job.context.defaultLoadTimeoutMs);
    if (job.engineId === undefined)
      throw new HubError(400, `Job '${job.id}' has not loaded and cannot be swapped.`);
    parts.engine.swap(job.engineId);
    return respond(c, jobJson(c, jobs.view(job), jobs, options, { full: true, root: true }));
  });

  app.put('/jobs/:uuid/load', (c) => {
    const job = requireJob(c, parts, c.req.param('uuid'));
    booleanQuery(c, 'asyncLoading');
    timeoutQuery(c, job.context.defaultLoadTimeoutMs);
    if (job.engineId === undefined) throw new HubError(400, `Job '${job.id}' has not loaded yet.`);
    parts.engine.load(job.engineId);
    return respond(c, jobJson(c, jobs.view(job), jobs, options, { full: true, root: true }));
  });

  app.delete('/jobs/:uuid', (c) => {
    jobs.discard(requireJob(c, parts, c.req.param('uuid')));
    return noContent(c);
  });

  app.delete('/jobs/:uuid/execution', (c) => {
    jobs.cancel(requireJob(c, parts, c.req.param('uuid')));
    return noContent(c);
  });

  app.get('/jobs/:uuid/output-resources/:resourceId', async (c) => {
    const job = requireJob(c, parts, c.req.param('uuid'));
    const name = c.req.param('resourceId');
    timeoutQuery(c, OUTPUT_RESOURCE_TIMEOUT_MS);
    if (job.engineId === undefined) {
      throw new HubError(404, `Output resource '${name}' of job '${job.id}' does not exist.`, [
        'The job has not loaded.',
      ]);
    }
    const content = parts.engine.outputResource(job.engineId, name);
    if (options.outputResourceDelivery === 'redirect') {
      const location = apiUrl(c, parts.storage.put(content, name));
      return new Response(null, { status: 307, headers: { location, 'x-request-id': requestIdOf(c) } });
    }
    return resourceResponse(content, requestIdOf(c));
  });

  const adHocExecution = async (
    c: HubContext,
    request: Promise<import('../engine/inputs.js').ExecutionRequest>,
  ) => {
    const reference = spaces.resolveWorkflow(c.req.query('workflowUri'), c.req.query('itemVersion'));
    const context = contexts.forNewJob(c.req.query('executionContext'));
    return runOneShot(c, parts, {
      reference,
      context,
      request: await request,
      reset: booleanQuery(c, 'reset') ?? false,
      timeoutMs: timeoutQuery(c, context.defaultExecutionTimeoutMs),
      keepJob: false,
    });
  };
  app.post('/execution', (c) =>
    adHocExecution(
      c,
      readInputs(c, contexts.forNewJob(c.req.query('executionContext')).maxJobInOutSizeMb).then((body) =>
        mergeInputs(queryInputs(c), body),
      ),
    ),
  );
  app.get('/execution', (c) => adHocExecution(c, Promise.resolve(queryInputs(c))));
}

interface CreationBody {
  executionContext?: string;
  configuration?: Record<string, unknown>;
  actions?: unknown[];
  requiredExecutionContextFeatures?: string[];
}

/** Reads the optional JSON body of `POST /jobs`. @throws {HubError} 422 for a malformed body. */
async function readCreationBody(c: HubContext): Promise<CreationBody> {
  const body = await readJsonObject(c);
  const problems: string[] = [];
  if (body.executionContext !== undefined && typeof body.executionContext !== 'string') {
    problems.push("'executionContext' must be the UUID of an execution context.");
  }
  if (
    body.configuration !== undefined &&
    (typeof body.configuration !== 'object' ||
      Array.isArray(body.configuration) ||
      body.configuration === null)
  ) {
    problems.push("'configuration' must be an object keyed by configuration parameter name.");
  }
  if (body.actions !== undefined && !Array.isArray(body.actions))
    problems.push("'actions' must be an array.");
  const features = body.requiredExecutionContextFeatures;
  if (
    features !== undefined &&
    (!Array.isArray(features) || !features.every((f) => f === 'EXECUTION' || f === 'EDITING'))
  ) {
    problems.push("'requiredExecutionContextFeatures' must be an array of EXECUTION or EDITING.");
  }
  if (problems.length > 0) throw new HubError(422, 'Invalid request body.', problems);
  return body as CreationBody;
}

/** Fields of `PUT /jobs/{uuid}` that may change; every other field must equal the current value. */
const UPDATABLE = new Set([
  'name',
  'discardAfterSuccessfulExec',
  'discardAfterFailedExec',
  'actions',
  'inputParameters',
  'InputParameters',
  '@controls',
  '@namespaces',
]);

/**
 * Applies a `BaseJob` update: the name, discard flags, actions and inputs (kept for the next
 * execution). A read-only field sent with another value than the job's fails the whole update.
 *
 * @throws {HubError} 422 naming each invalid or read-only field.
 */
function applyJobUpdate(job: HubJob, body: Record<string, unknown>, current: Record<string, unknown>): void {
  const problems: string[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (UPDATABLE.has(field)) continue;
    if (JSON.stringify(value) !== JSON.stringify(current[field])) {
      problems.push(`'${field}' is read-only and differs from the job's current value.`);
    }
  }
  const flag = (name: 'discardAfterSuccessfulExec' | 'discardAfterFailedExec') => {
    const value = body[name];
    if (value !== undefined && typeof value !== 'boolean') problems.push(`'${name}' must be a boolean.`);
  };
  flag('discardAfterSuccessfulExec');
  flag('discardAfterFailedExec');
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.trim() === '')) {
    problems.push("'name' must be a non-empty string.");
  }
  if (body.actions !== undefined && !Array.isArray(body.actions))
    problems.push("'actions' must be an array.");
  const inputs = body.inputParameters ?? body.InputParameters;
  if (inputs !== undefined && (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs))) {
    problems.push("'inputParameters' must be an object keyed by input parameter name.");
  }
  if (problems.length > 0) throw new HubError(422, 'Invalid job update.', problems);

  if (typeof body.name === 'string') job.name = body.name;
  job.origin = {
    ...job.origin,
    ...(typeof body.discardAfterSuccessfulExec === 'boolean'
      ? { discardAfterSuccessfulExec: body.discardAfterSuccessfulExec }
      : {}),
    ...(typeof body.discardAfterFailedExec === 'boolean'
      ? { discardAfterFailedExec: body.discardAfterFailedExec }
      : {}),
    ...(Array.isArray(body.actions) ? { actions: body.actions } : {}),
  };
  if (inputs !== undefined)
    job.presetInputs = { ...job.presetInputs, ...(inputs as Record<string, unknown>) };
}

/**
 * Builds the simulator's own job log: one line per lifecycle event and node message. KNIME's
 * executor log format is not public, so only the facts here are meaningful, not the layout.
 */
function jobLog(view: JobView, jobs: HubJobs, options: HubAppOptions): string {
  const time = (ms: number) => formatTimestamp(ms, 'job', { ...options, timestampFormat: 'iso' });
  const { job, snapshot, states } = view;
  const lines = [`${time(job.createdAt)} INFO Job ${job.id} created for ${job.reference.item.path}`];
  if (snapshot?.startedExecutionAt !== undefined) {
    lines.push(`${time(snapshot.startedExecutionAt)} INFO Execution started`);
  }
  for (const message of jobs.nodeMessagesOf(view)) {
    lines.push(`${time(job.updatedAt)} ${message.messageType} ${message.node}: ${message.message}`);
  }
  if (snapshot?.finishedExecutionAt !== undefined) {
    lines.push(`${time(snapshot.finishedExecutionAt)} INFO Execution ended in state ${states.workflowState}`);
  }
  lines.push(`${time(job.updatedAt)} INFO jobState=${states.jobState} workflowState=${states.workflowState}`);
  return `${lines.join('\n')}\n`;
}
