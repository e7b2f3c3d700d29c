import type { Hono } from 'hono';
import type { ExecutionRequest } from '../engine/inputs.js';
import type { WorkflowModel } from '../workspace/model.js';
import { runOneShot } from './execution.js';
import { booleanQuery, type HubContext, type HubEnv, HubError, requestIdOf, timeoutQuery } from './http.js';
import type { JobView } from './jobs.js';
import { type HubParts, requireDeployment } from './parts.js';
import { resourceResponse } from './storage.js';

/**
 * Registers raw execution: the request body goes unchanged to the workflow's Container Input
 * (Raw HTTP) node, and the response is what its Container Output (Raw HTTP) node produced, with the
 * job id in `KNIME-Job-Id`. The job is discarded afterwards unless `keepJob=true` (deployments).
 */
export function registerRawExecutionRoutes(app: Hono<HubEnv>, parts: HubParts): void {
  const adHoc = async (c: HubContext) => {
    const reference = parts.spaces.resolveWorkflow(c.req.query('workflowUri'), c.req.query('itemVersion'));
    const context = parts.contexts.forNewJob(c.req.query('executionContext'));
    return runOneShot(c, parts, {
      reference,
      context,
      request: await rawRequest(c, reference.workflow),
      reset: booleanQuery(c, 'reset') ?? false,
      timeoutMs: timeoutQuery(c, context.defaultExecutionTimeoutMs),
      keepJob: false,
      render: (view) => rawResponse(c, parts, view),
    });
  };
  app.post('/raw-execution', adHoc);
  app.get('/raw-execution', adHoc);

  const deployment = async (c: HubContext) => {
    const target = requireDeployment(parts, c, c.req.param('id') ?? '');
    const context = parts.contexts.forNewJob(target.context.id);
    const reference = parts.spaces.resolveWorkflow(target.item.id, target.itemVersion);
    return runOneShot(c, parts, {
      reference,
      context,
      deployment: target,
      request: await rawRequest(c, reference.workflow),
      reset: booleanQuery(c, 'reset') ?? false,
      timeoutMs: timeoutQuery(c, target.executionTimeoutMs),
      keepJob: booleanQuery(c, 'keepJob') ?? false,
      render: (view) => rawResponse(c, parts, view),
    });
  };
  app.post('/deployments/:id/raw-execution', deployment);
  app.get('/deployments/:id/raw-execution', deployment);
}

/** Turns the request body into the file of the workflow's raw HTTP input; a bodiless request gives no input. */
async function rawRequest(c: HubContext, workflow: WorkflowModel): Promise<ExecutionRequest> {
  const input = workflow.inputResources.find((resource) => resource.kind === 'raw-http');
  const bytes = c.req.method === 'GET' ? new Uint8Array() : new Uint8Array(await c.req.arrayBuffer());
  if (!input || bytes.byteLength === 0) return { values: {} };
  return {
    parts: [
      {
        name: input.name,
        contentType: c.req.header('content-type') ?? 'application/octet-stream',
        bytes,
      },
    ],
  };
}

/**
 * Builds the raw response of a finished job. A job that did not finish successfully raises 500
 * (422 when it cannot execute), with `KNIME-Job-Id` like the successful response.
 */
function rawResponse(c: HubContext, parts: HubParts, view: JobView): Response {
  const jobHeader = { 'knime-job-id': view.job.id };
  const state = view.states.workflowState;
  if (state !== 'EXECUTION_FINISHED') {
    const messages = parts.jobs.nodeMessagesOf(view).map((message) => `${message.node}: ${message.message}`);
    const status = state === 'NOT_EXECUTABLE' || view.states.jobState === 'LOAD_ERROR' ? 422 : 500;
    throw new HubError(
      status,
      `The job ended in state ${view.states.state}.`,
      messages,
      undefined,
      jobHeader,
    );
  }

  const output = view.job.reference.workflow.outputResources.find((resource) => resource.kind === 'raw-http');
  if (!output || view.job.engineId === undefined) {
    return new Response(null, { status: 200, headers: { ...jobHeader, 'x-request-id': requestIdOf(c) } });
  }
  const response = resourceResponse(
    parts.engine.outputResource(view.job.engineId, output.name),
    requestIdOf(c),
  );
  response.headers.set('knime-job-id', view.job.id);
  return response;
}
