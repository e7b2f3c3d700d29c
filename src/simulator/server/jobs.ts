import type { Hono } from 'hono';
import type { JobSnapshot } from '../engine/engine.js';
import { readExecutionBody } from './body.js';
import { deadlineFor, waitSynchronously } from './execution.js';
import {
  booleanParam,
  HttpError,
  KNIME_NAMESPACES,
  mason,
  type ServerContext,
  type ServerEnv,
  type ServerParts,
  timeoutParam,
} from './http.js';
import { jobJson } from './serialize.js';

/** Registers the `/jobs` routes on the REST sub-app. */
export function registerJobRoutes(rest: Hono<ServerEnv>, parts: ServerParts): void {
  const { engine, options } = parts;

  const listJobs = (c: ServerContext) => {
    const owner = options.jobVisibility === 'owner' ? c.var.scope.user : undefined;
    const jobs = engine.listJobs({ owner }).map((job) => jobJson(job, c.var.scope, options));
    return mason(c, { jobs, '@namespaces': KNIME_NAMESPACES });
  };
  rest.get('/jobs', listJobs);
  rest.get('/jobs/', listJobs);

  rest.get('/jobs/:id', (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    return mason(c, jobJson(job, c.var.scope, options, { root: true }));
  });

  rest.post('/jobs/:id', async (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    const async = booleanParam(c, 'async') ?? false;
    const reset = booleanParam(c, 'reset') ?? false;
    const timeoutMs = timeoutParam(c);
    const request = await readExecutionBody(c);

    const ticket = engine.execute(job.id, request, { reset });
    if (async) {
      return mason(c, jobJson(engine.getJob(job.id) ?? job, c.var.scope, options, { root: true }));
    }

    const finished = await waitSynchronously(c, parts, ticket, deadlineFor(parts, timeoutMs), timeoutMs);
    const gone = engine.getJob(job.id) === undefined;
    return mason(c, jobJson(finished, c.var.scope, options, { root: true, withoutControls: gone }));
  });

  rest.delete('/jobs/:id', (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    engine.discard(job.id);
    return c.body(null, 204);
  });

  if (options.cancelEndpoint) {
    // NOTE: KNIME Server's cancel path is not publicly documented; this is the Business Hub path.
    rest.delete('/jobs/:id/execution', (c) => {
      const job = visibleJob(c, parts, c.req.param('id'));
      engine.cancel(job.id);
      return c.body(null, 204);
    });
  }

  rest.get('/jobs/:id/output-resources/*', (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    const name = resourceNameOf(c);
    const content = engine.outputResource(job.id, name);
    const accept = (c.req.header('accept') ?? '').toLowerCase();
    const contentType = accept.includes('application/octet-stream')
      ? 'application/octet-stream'
      : content.contentType;
    return new Response(content.stream(), {
      status: 200,
      headers: { 'content-type': contentType, 'content-length': String(content.size) },
    });
  });

  rest.get('/jobs/:id/workflow-summary', (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    const format = (c.req.query('format') ?? 'JSON').toUpperCase();
    if (format !== 'JSON') {
      throw new HttpError(400, `Workflow summary format ${format} is not simulated; use format=JSON`);
    }
    const includeExecutionInfo = booleanParam(c, 'includeExecutionInfo') ?? false;
    return mason(c, workflowSummary(parts, job, includeExecutionInfo));
  });

  rest.put('/jobs/:id/swap', (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    return mason(c, jobJson(engine.swap(job.id), c.var.scope, options, { root: true }));
  });

  rest.put('/jobs/:id/load', (c) => {
    const job = visibleJob(c, parts, c.req.param('id'));
    return mason(c, jobJson(engine.load(job.id), c.var.scope, options, { root: true }));
  });
}

/**
 * Returns the job `id` if the user may see it.
 *
 * @throws {HttpError} 404 for an unknown job, 403 for another user's job while jobs are private.
 */
function visibleJob(c: ServerContext, parts: ServerParts, id: string): JobSnapshot {
  const job = parts.engine.getJob(id);
  if (!job) throw new HttpError(404, `Job ${id} does not exist`);
  if (parts.options.jobVisibility === 'owner' && job.owner !== c.var.scope.user) {
    throw new HttpError(403, `Job ${id} belongs to another user`);
  }
  return job;
}

/** Returns the resource name after `/output-resources/`, percent-decoded once from the raw URL. */
function resourceNameOf(c: ServerContext): string {
  const path = new URL(c.req.url).pathname;
  const marker = '/output-resources/';
  const raw = path.slice(path.indexOf(marker) + marker.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `Invalid percent-encoding in output resource name "${raw}"`);
  }
}

/**
 * Builds the simulator's own workflow summary: the job's state and the workflow's input and output
 * nodes. KNIME's real summary lists every node with its settings, but its exact schema is not public.
 */
function workflowSummary(
  parts: ServerParts,
  job: JobSnapshot,
  includeExecutionInfo: boolean,
): Record<string, unknown> {
  const workflow = parts.engine.workflowAt(job.workflow);
  const node = (kind: string) => (p: { nodeIdPath: string; nodeName: string; name: string }) => ({
    id: p.nodeIdPath,
    name: p.nodeName,
    kind,
    parameterName: p.name,
    ...(includeExecutionInfo ? { state: nodeState(job) } : {}),
  });
  return {
    version: '1.0.0',
    summaryCreationDateTime: new Date(parts.engine.clock.now()).toISOString(),
    job: { id: job.id, state: job.state },
    workflow: {
      name: workflow.name,
      path: workflow.path,
      nodes: [
        ...workflow.inputs.map(node('input')),
        ...workflow.inputResources.map(node('input-resource')),
        ...workflow.outputs.map(node('output')),
        ...workflow.outputResources.map(node('output-resource')),
      ],
    },
  };
}

function nodeState(job: JobSnapshot): string {
  if (job.state === 'EXECUTION_FINISHED' || job.state === 'EXECUTED') return 'EXECUTED';
  if (job.state === 'EXECUTING') return 'EXECUTING';
  return 'CONFIGURED';
}
