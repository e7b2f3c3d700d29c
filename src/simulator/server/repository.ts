import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { SIDECAR_FILE } from '../engine/sidecar.js';
import { openApiDocument } from '../workspace/load.js';
import type { WorkspaceItem } from '../workspace/model.js';
import { queryInputs, readExecutionBody, readJsonBody } from './body.js';
import { runOneShot } from './execution.js';
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
import { itemJson, jobJson } from './serialize.js';
import { buildZip, collectEntries } from './zip.js';

/** Operations selected by the `:<suffix>` after an item path. */
const SUFFIXES = new Set([
  'data',
  'openapi',
  'image',
  'jobs',
  'execution',
  'job-pool',
  'configuration',
  'schedules',
]);

/** Query parameters of `POST {wf}:jobs` the simulator understands. */
const CREATE_PARAMETERS = new Set(['discardAfterSuccessfulExec', 'discardAfterFailedExec']);

export interface RepositoryTarget {
  /** Decoded absolute item path, such as `/Team A/Q1 Sales & Costs #2`. */
  readonly path: string;
  readonly suffix?: string;
}

/**
 * Splits the raw (still percent-encoded) path after `/repository` into the item path and the
 * `:suffix`. The suffix is split off at the last unencoded `:` of the last segment, and only when it
 * names a known operation, so a name such as `Q1:2` (sent as `Q1%3A2`) stays whole. Each segment
 * is decoded exactly once.
 *
 * @throws {HttpError} 400 for a malformed percent-encoding.
 */
export function parseRepositoryPath(raw: string): RepositoryTarget {
  const segments = raw.split('/').filter((segment) => segment !== '');
  let suffix: string | undefined;

  const last = segments.at(-1);
  if (last !== undefined) {
    const colon = last.lastIndexOf(':');
    if (colon >= 0 && SUFFIXES.has(last.slice(colon + 1))) {
      suffix = last.slice(colon + 1);
      segments[segments.length - 1] = last.slice(0, colon);
    }
  }

  const decoded = segments
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new HttpError(400, `Invalid percent-encoding in repository path segment "${segment}"`);
      }
    });
  return { path: `/${decoded.join('/')}`, ...(suffix === undefined ? {} : { suffix }) };
}

/** Registers `/repository` and `/repository/<path>[:suffix]` on the REST sub-app. */
export function registerRepositoryRoutes(rest: Hono<ServerEnv>, parts: ServerParts): void {
  const handler = (c: ServerContext) => dispatch(c, parts);
  rest.all('/repository', handler);
  rest.all('/repository/*', handler);
}

async function dispatch(c: ServerContext, parts: ServerParts): Promise<Response> {
  const pathname = new URL(c.req.url).pathname;
  const marker = `${c.var.scope.root}/rest/v4/repository`;
  const target = parseRepositoryPath(pathname.slice(marker.length));
  const method = c.req.method.toUpperCase();

  const item = parts.engine.workspace.find(target.path);
  if (!item) throw new HttpError(404, `Repository item ${target.path} does not exist`);
  if (!parts.auth.mayUse(c.var.scope.user, item.path)) {
    throw new HttpError(403, `User ${c.var.scope.user} may not use ${item.path}`);
  }

  switch (target.suffix) {
    case undefined:
      allow(method, ['GET']);
      return mason(c, itemJson(item, itemContext(c, parts), booleanParam(c, 'deep') ?? false));
    case 'jobs':
      allow(method, ['GET', 'POST']);
      return method === 'GET' ? listWorkflowJobs(c, parts, item) : createJob(c, parts, item);
    case 'execution':
      allow(method, ['GET', 'POST']);
      return execution(c, parts, item);
    case 'job-pool':
      allow(method, ['POST']);
      return jobPool(c, parts, item);
    case 'openapi':
      allow(method, ['GET']);
      return mason(c, openApiDocument(parts.engine.workflowAt(item.path), c.var.scope.rest));
    case 'image':
      allow(method, ['GET']);
      return workflowImage(parts, item);
    case 'data':
      if (method === 'PUT') throw new HttpError(501, `Uploads to ${target.path}:data are not simulated`);
      allow(method, ['GET']);
      return download(c, item);
    default:
      throw new HttpError(501, `${c.req.method} ${target.path}:${target.suffix} is not simulated`);
  }
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) {
    throw new HttpError(405, `Method ${method} is not allowed here; use ${methods.join(' or ')}`, {
      allow: methods.join(', '),
    });
  }
}

function itemContext(c: ServerContext, parts: ServerParts) {
  return { scope: c.var.scope, options: parts.options, auth: parts.auth, downloads: true };
}

function listWorkflowJobs(c: ServerContext, parts: ServerParts, item: WorkspaceItem): Response {
  const workflow = parts.engine.workflowAt(item.path);
  const owner = parts.options.jobVisibility === 'owner' ? c.var.scope.user : undefined;
  const jobs = parts.engine
    .listJobs({ owner, workflow: workflow.path })
    .map((job) => jobJson(job, c.var.scope, parts.options));
  return mason(c, { jobs, '@namespaces': KNIME_NAMESPACES });
}

async function createJob(c: ServerContext, parts: ServerParts, item: WorkspaceItem): Promise<Response> {
  const { engine, options } = parts;
  const query = c.req.query();
  if (options.unknownCreateParameters === 'reject') {
    const unknown = Object.keys(query).filter((name) => !CREATE_PARAMETERS.has(name));
    if (unknown.length > 0) {
      throw new HttpError(
        400,
        `Unknown query parameter ${unknown.join(', ')} for job creation; known parameters are: ${[...CREATE_PARAMETERS].join(', ')}`,
      );
    }
  }
  const discardAfterSuccessfulExec = booleanParam(c, 'discardAfterSuccessfulExec');
  const discardAfterFailedExec = booleanParam(c, 'discardAfterFailedExec');
  await readJsonBody(c);

  const created = engine.createJob(item.path, c.var.scope.user, {
    discardAfterSuccessfulExec,
    discardAfterFailedExec,
  });
  const job =
    options.createJob === 'wait'
      ? (await engine.waitForLoad(created.id, { signal: c.req.raw.signal })).job
      : created;

  const location = `${c.var.scope.rest}/jobs/${job.id}`;
  return mason(c, jobJson(job, c.var.scope, options, { root: true }), 201, { location });
}

async function execution(c: ServerContext, parts: ServerParts, item: WorkspaceItem): Promise<Response> {
  const reset = booleanParam(c, 'reset') ?? false;
  const timeoutMs = timeoutParam(c);
  const request = c.req.method.toUpperCase() === 'GET' ? queryInputs(c) : await readExecutionBody(c);
  const job = parts.engine.createJob(item.path, c.var.scope.user);

  return runOneShot(c, parts, {
    request,
    reset,
    timeoutMs,
    jobId: job.id,
    release: (finished, timedOut) => {
      if (timedOut || parts.options.executionJob !== 'discard' || !finished) return;
      if (parts.engine.getJob(finished.id)) parts.engine.discard(finished.id);
    },
  });
}

async function jobPool(c: ServerContext, parts: ServerParts, item: WorkspaceItem): Promise<Response> {
  const timeoutMs = timeoutParam(c);
  const request = await readExecutionBody(c);
  parts.engine.workflowAt(item.path);
  const lease = parts.pools.acquire(item.path, c.var.scope.user);

  return runOneShot(c, parts, {
    request,
    reset: true,
    timeoutMs,
    jobId: lease.jobId,
    release: () => lease.release(),
  });
}

/**
 * `GET {item}:data`: a workflow as a `.knwf` ZIP of its folder, a folder as a `.knar` ZIP, a data
 * file as its bytes. The sidecar file is left out because it belongs to the simulator.
 */
async function download(c: ServerContext, item: WorkspaceItem): Promise<Response> {
  const raw = c.req.query('compressionLevel') ?? '1';
  if (!/^[0-9]$/.test(raw)) {
    throw new HttpError(
      400,
      `Invalid query parameter compressionLevel=${raw}: expected a whole number from 0 to 9`,
    );
  }

  if (item.type === 'Data') {
    const bytes = await readFile(item.diskPath);
    return new Response(bytes, {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
    });
  }

  const folderName = item.name === '' ? '' : `${item.name}/`;
  const entries = await collectEntries(item.diskPath, folderName, (name) => name === SIDECAR_FILE);
  const zip = buildZip(entries, Number(raw));
  const fileName = `${item.name || 'repository'}.${item.type === 'Workflow' ? 'knwf' : 'knar'}`;
  return new Response(zip, {
    status: 200,
    headers: {
      'content-type': 'application/zip',
      'content-length': String(zip.byteLength),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    },
  });
}

async function workflowImage(parts: ServerParts, item: WorkspaceItem): Promise<Response> {
  const workflow = parts.engine.workflowAt(item.path);
  let svg: string;
  try {
    svg = await readFile(join(workflow.diskPath, 'workflow.svg'), 'utf8');
  } catch {
    throw new HttpError(404, `Workflow ${workflow.path} has no image (workflow.svg is missing)`);
  }
  return new Response(svg, { status: 200, headers: { 'content-type': 'image/svg+xml;charset=UTF-8' } });
}
