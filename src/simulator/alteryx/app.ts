import { type Context, Hono } from 'hono';
import type { FaultInjector } from '../common/faults.js';
import type { ResolvedAlteryxOptions, SimCredential } from './options.js';
import { validateQueueRequest } from './queue.js';
import { type AlteryxServerState, isTerminal, type SimJob } from './state.js';
import {
  fullWorkflowView,
  jobView,
  legacyJobView,
  questionViews,
  reducedWorkflowView,
  sendError,
  sendJson,
  workflowJobView,
} from './views.js';

type Env = { Variables: { caller: SimCredential } };

/**
 * Path used for routing. Trailing slashes are dropped, so `v1/jobs/{id}/` and `v1/jobs/{id}` reach
 * the same route. Runs of slashes collapse to one unless `strictSlashes` is on; then the path is
 * left as it is and matches no route.
 */
function routingPath(request: Request, strictSlashes: boolean): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const end = url.search(/[?#]/);
  let path = start === -1 ? '/' : url.slice(start, end === -1 ? undefined : end);
  if (!strictSlashes) path = path.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/') && !path.endsWith('//')) path = path.slice(0, -1);
  return path;
}

/** Builds the Hono app of the simulated Alteryx Server. */
export function buildAlteryxApp(
  options: ResolvedAlteryxOptions,
  state: AlteryxServerState,
  faults: FaultInjector,
): Hono<Env> {
  const app = new Hono<Env>({ getPath: (request) => routingPath(request, options.strictSlashes) });
  const base = options.basePath;

  app.use('*', faults.middleware());

  app.notFound((c) =>
    sendError(options, 'v3', 404, `No HTTP resource was found that matches the request URI '${c.req.url}'.`),
  );

  app.post(`${base}oauth2/token`, (c) => issueToken(c, options, state));

  app.use(`${base}v3/*`, (c, next) => requireToken(c, next, options, state, 'v3'));
  app.use(`${base}v1/*`, (c, next) => requireToken(c, next, options, state, 'v1'));

  app.get(`${base}v3/workflows`, (c) => {
    state.count('listWorkflows');
    const name = c.req.query('name');
    const ownerId = c.req.query('ownerId');
    const createdAfter = c.req.query('createdAfter');
    const createdBefore = c.req.query('createdBefore');
    const full = c.req.query('view')?.toLowerCase() === 'full';

    const matches = [...state.workflows.values()].filter(
      (workflow) =>
        (name === undefined || workflow.name.toLowerCase().includes(name.toLowerCase())) &&
        (ownerId === undefined || workflow.ownerId === ownerId) &&
        (createdAfter === undefined || Date.parse(workflow.dateCreated) >= Date.parse(createdAfter)) &&
        (createdBefore === undefined || Date.parse(workflow.dateCreated) <= Date.parse(createdBefore)),
    );
    const views = matches.map((workflow) =>
      full
        ? fullWorkflowView(options, workflow, runCount(state, workflow.id))
        : reducedWorkflowView(options, workflow),
    );
    return sendJson(options, 'v3', views);
  });

  app.get(`${base}v3/workflows/:workflowId`, (c) => {
    state.count('getWorkflow');
    const workflow = state.workflows.get(c.req.param('workflowId'));
    if (!workflow) return workflowNotFound(options, c.req.param('workflowId'));
    return sendJson(options, 'v3', fullWorkflowView(options, workflow, runCount(state, workflow.id)));
  });

  app.get(`${base}v3/workflows/:workflowId/questions`, (c) => {
    state.count('questions');
    const workflow = state.workflows.get(c.req.param('workflowId'));
    if (!workflow) return workflowNotFound(options, c.req.param('workflowId'));
    return sendJson(options, 'v3', questionViews(options, workflow));
  });

  app.post(`${base}v3/workflows/:workflowId/jobs`, async (c) => {
    state.count('queueJob');
    const workflowId = c.req.param('workflowId');
    state.stats.queueRequests[workflowId] = (state.stats.queueRequests[workflowId] ?? 0) + 1;
    const workflow = state.workflows.get(workflowId);
    if (!workflow) return workflowNotFound(options, workflowId);

    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return sendError(options, 'v3', 400, 'The request is invalid.', {
        contract: ['The request body is not valid JSON.'],
      });
    }

    const result = validateQueueRequest(options, workflow, body);
    if ('modelState' in result) return sendError(options, 'v3', 400, result.message, result.modelState);

    const job = state.queueJob(workflow, c.get('caller'), result);
    return sendJson(options, 'v3', jobView(options, job), options.queueStatus);
  });

  app.get(`${base}v3/workflows/:workflowId/jobs`, (c) => listWorkflowJobs(c, options, state));

  if (options.profile !== '2022.1') {
    app.get(`${base}v3/jobs/:jobId`, (c) => {
      state.count('getJob');
      const job = findJob(c, options, state, 'v3');
      if (job instanceof Response) return job;
      // The `includeMessages` parameter exists from 2023.1 on; it defaults to true.
      const includeMessages = c.req.query('includeMessages')?.toLowerCase() !== 'false';
      return sendJson(options, 'v3', jobView(options, job, includeMessages));
    });
  }

  if (options.profile === '2024.2') {
    app.get(`${base}v3/jobs/:jobId/messages`, (c) => {
      state.count('messages');
      const caller = c.get('caller');
      if (options.messagesAdminOnly && caller.role !== 'admin') {
        return sendError(options, 'v3', 403, 'Only administrators may read job messages.');
      }
      const job = findJob(c, options, state, 'v3');
      if (job instanceof Response) return job;
      const messages = job.messages.map((message) => ({ ...message }));
      const body = options.messagesShape === 'array' ? messages : (messages.at(-1) ?? {});
      return sendJson(options, 'v3', body);
    });
  }

  app.get(`${base}v1/jobs/:jobId`, (c) => {
    state.count('getJobV1');
    const job = findJob(c, options, state, 'v1');
    if (job instanceof Response) return job;
    return sendJson(options, 'v1', legacyJobView(options, job));
  });

  app.get(`${base}v1/jobs/:jobId/output/:outputId`, (c) => downloadOutput(c, options, state));

  if (options.cancelRoute !== 'absent') {
    app.delete(`${base}v3/jobs/:jobId`, (c) => cancelJob(c, options, state));
  }

  return app;
}

function issueToken(
  c: Context<Env>,
  options: ResolvedAlteryxOptions,
  state: AlteryxServerState,
): Promise<Response> {
  state.count('token');
  return (async () => {
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') !== 'client_credentials') {
      return sendJson(options, 'token', { error: 'unsupported_grant_type' }, 400);
    }

    const fromBody = options.credentialsIn !== 'basic' ? credentialsFromBody(form) : undefined;
    const fromBasic =
      options.credentialsIn !== 'body' ? credentialsFromBasic(c.req.header('authorization')) : undefined;
    const presented = fromBasic ?? fromBody;
    const credential = options.credentials.find(
      (known) => presented && known.apiKey === presented.key && known.apiSecret === presented.secret,
    );
    if (!credential) {
      return sendJson(options, 'token', { error: 'invalid_client' }, options.invalidClientStatus);
    }

    const token = state.issueToken(credential);
    return sendJson(options, 'token', {
      access_token: token,
      token_type: options.tokenType,
      expires_in: options.tokenTtlSeconds,
    });
  })();
}

function credentialsFromBody(form: URLSearchParams): { key: string; secret: string } | undefined {
  const key = form.get('client_id');
  const secret = form.get('client_secret');
  return key !== null && secret !== null ? { key, secret } : undefined;
}

function credentialsFromBasic(header: string | undefined): { key: string; secret: string } | undefined {
  const match = header?.match(/^Basic\s+(\S+)$/i);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return {
    key: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

async function requireToken(
  c: Context<Env>,
  next: () => Promise<void>,
  options: ResolvedAlteryxOptions,
  state: AlteryxServerState,
  family: 'v1' | 'v3',
): Promise<Response | undefined> {
  const match = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i);
  const caller = match?.[1] ? state.authenticate(match[1]) : undefined;
  if (!caller) {
    state.stats.tokensRejected++;
    const response = sendError(options, family, 401, 'Authorization has been denied for this request.');
    response.headers.set('www-authenticate', 'Bearer');
    return response;
  }
  c.set('caller', caller);
  await next();
  return undefined;
}

function runCount(state: AlteryxServerState, workflowId: string): number {
  return state.stats.jobsQueued[workflowId] ?? 0;
}

function workflowNotFound(options: ResolvedAlteryxOptions, workflowId: string): Response {
  return sendError(options, 'v3', 404, `Workflow '${workflowId}' was not found.`);
}

/**
 * Looks up a job the caller may see: admins see every job, users the jobs they queued. Returns the
 * error response for a missing or hidden job.
 */
function findJob(
  c: Context<Env>,
  options: ResolvedAlteryxOptions,
  state: AlteryxServerState,
  family: 'v1' | 'v3',
): SimJob | Response {
  const jobId = c.req.param('jobId') ?? '';
  const job = state.jobs.get(jobId);
  if (!job) return sendError(options, family, 404, `Job '${jobId}' was not found.`);

  const caller = c.get('caller');
  if (caller.role !== 'admin' && job.ownerKey !== caller.apiKey) {
    const status = options.hiddenJobStatus;
    const message = status === 403 ? `You may not read job '${jobId}'.` : `Job '${jobId}' was not found.`;
    return sendError(options, family, status, message);
  }
  return job;
}

function listWorkflowJobs(
  c: Context<Env>,
  options: ResolvedAlteryxOptions,
  state: AlteryxServerState,
): Response {
  state.count('listJobs');
  const workflowId = c.req.param('workflowId') ?? '';
  if (!state.workflows.has(workflowId)) return workflowNotFound(options, workflowId);

  const offset = Number(c.req.query('offset') ?? '0');
  const limit = Number(c.req.query('limit') ?? String(options.jobListLimit.default));
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
    return sendError(options, 'v3', 400, 'The request is invalid.', {
      paging: ['offset must be a whole number of 0 or more and limit a whole number of 1 or more.'],
    });
  }

  const status = c.req.query('status')?.toLowerCase();
  const resultCode = c.req.query('resultCode')?.toLowerCase();
  const descending = (c.req.query('direction') ?? 'desc').toLowerCase() !== 'asc';
  const sortField = c.req.query('sortField') ?? 'createDate';
  const caller = c.get('caller');

  const jobs = [...state.jobs.values()]
    .filter((job) => job.workflowId === workflowId)
    .filter((job) => caller.role === 'admin' || job.ownerKey === caller.apiKey)
    .filter((job) => status === undefined || job.status.toLowerCase() === status)
    .filter((job) => resultCode === undefined || job.disposition.toLowerCase() === resultCode)
    .sort((a, b) => compareJobs(a, b, sortField) * (descending ? -1 : 1));

  const page = jobs.slice(offset, offset + Math.min(limit, options.jobListLimit.max));
  return sendJson(
    options,
    'v3',
    page.map((job) => workflowJobView(options, job)),
  );
}

function compareJobs(a: SimJob, b: SimJob, sortField: string): number {
  if (sortField.toLowerCase() === 'status')
    return a.status.localeCompare(b.status) || a.createdMs - b.createdMs;
  return a.createdMs - b.createdMs || a.id.localeCompare(b.id);
}

function downloadOutput(
  c: Context<Env>,
  options: ResolvedAlteryxOptions,
  state: AlteryxServerState,
): Response {
  state.count('output');
  const jobId = c.req.param('jobId') ?? '';
  const job = findJob(c, options, state, 'v1');
  if (job instanceof Response) return job;
  if (job.status !== 'Completed') {
    return sendError(
      options,
      'v1',
      options.outputBeforeCompletionStatus,
      `Job '${jobId}' has not completed; its outputs are not available.`,
    );
  }

  const output = job.outputs.find((candidate) => candidate.id === c.req.param('outputId'));
  if (!output) return sendError(options, 'v1', 404, `Output '${c.req.param('outputId')}' was not found.`);

  const format = c.req.query('format');
  if (!format) {
    return sendError(options, 'v1', 400, 'The request is invalid.', {
      format: ['The format parameter is required.'],
    });
  }
  const available = output.availableFormats.find((name) => name.toLowerCase() === format.toLowerCase());
  if (!available) {
    return sendError(options, 'v1', 400, 'The request is invalid.', {
      format: [
        `Format '${format}' is not available; available formats: ${output.availableFormats.join(', ')}.`,
      ],
    });
  }

  const body = new TextEncoder().encode(output.content);
  const baseName = output.fileName.replace(/\.[^.]*$/, '');
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': available === 'Csv' ? 'text/csv' : 'application/octet-stream',
      'content-length': String(body.byteLength),
      'content-disposition': `attachment; filename="${baseName}.${available.toLowerCase()}"`,
    },
  });
}

function cancelJob(c: Context<Env>, options: ResolvedAlteryxOptions, state: AlteryxServerState): Response {
  state.count('cancel');
  const jobId = c.req.param('jobId') ?? '';
  if (options.cancelRoute === '405') {
    const response = sendError(
      options,
      'v3',
      405,
      "The requested resource does not support http method 'DELETE'.",
    );
    response.headers.set('allow', 'GET');
    return response;
  }

  if (options.cancelRoute === '404') return sendError(options, 'v3', 404, `Job '${jobId}' was not found.`);
  const job = findJob(c, options, state, 'v3');
  if (job instanceof Response) return job;
  if (isTerminal(job.status)) {
    return sendError(options, 'v3', 400, `Job '${jobId}' has already finished with status ${job.status}.`);
  }
  state.cancelJob(job);
  return sendJson(options, 'v3', jobView(options, job));
}
