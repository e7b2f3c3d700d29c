import { type Context, Hono } from 'hono';
import type { FaultInjector } from '../common/faults.js';
import { type AuthVariables, authMiddleware } from './auth.js';
import { coordinatorActionInfo, coordinatorInfo, workflowInfo } from './json.js';
import { bump, type Job, type JobStore } from './store.js';
import { errorResponse, errors, jsonResponse, OozieSimError, parseConfiguration } from './wire.js';

type Env = { Variables: AuthVariables };

const WORKFLOW_VERBS = new Set(['start', 'suspend', 'resume', 'kill', 'rerun']);
const COORDINATOR_VERBS = new Set(['suspend', 'resume', 'kill']);
const AUDIT_COMMANDS =
  /(StartXCommand|SuspendXCommand|ResumeXCommand|KillXCommand|ReRunXCommand|SubmitXCommand)/;

/** Builds the Hono app of the Oozie simulator: `/oozie/versions` and `/oozie/v{n}/…`. */
export function buildOozieApp(store: JobStore, faults: FaultInjector, publicUrl: string): Hono<Env> {
  const { config } = store;
  const app = new Hono<Env>();
  const json = (body: unknown, status = 200) => jsonResponse(body, status, config.contentTypeCharsetQuoted);

  app.use('*', faults.middleware());
  app.use('*', async (c, next) => {
    const route = /^\/oozie\/(?:v\d+\/)?([^/]+)/.exec(c.req.path)?.[1] ?? c.req.path;
    bump(store.stats.requests, `${c.req.method} /${route}`);
    await next();
  });

  app.onError((error) => {
    if (error instanceof OozieSimError) return errorResponse(error);
    return errorResponse(new OozieSimError(500, 'E0000', `Internal error: ${error.message}`));
  });

  app.notFound((c) =>
    c.html(
      `<html><body><h2>HTTP ERROR 404</h2><p>Not Found: ${c.req.path.replace(/[<>&]/g, '')}</p></body></html>`,
      404,
    ),
  );

  app.get('/oozie/versions', () => json(config.versions));

  const api = new Hono<Env>();
  api.use('*', authMiddleware(config, store.clock));
  api.use('*', async (c, next) => {
    const version = Number(c.req.param('version')?.slice(1));
    if (!config.versions.includes(version) || version === 0) return c.notFound();
    if (config.systemMode === 'NOWEBSERVICE' && !c.req.path.includes('/admin/')) throw errors.safeMode();
    if (config.systemMode === 'SAFEMODE' && c.req.method !== 'GET') throw errors.safeMode();
    await next();
  });

  api.get('/admin/status', () => json({ systemMode: config.systemMode }));
  api.get('/admin/build-version', () => json({ buildVersion: config.buildVersion }));

  api.post('/jobs', async (c) => {
    const action = c.req.query('action');
    if (action !== undefined && action !== 'start' && action !== 'dryrun')
      throw errors.badParameter('action', action);
    const conf = await readConfiguration(c);
    if (action === 'dryrun') return json({ id: 'OK' }, 201);
    const job = store.submit(conf, c.get('user'), action === 'start');
    return json({ id: job.id }, 201);
  });

  api.get('/jobs', (c) => {
    const jobType = c.req.query('jobtype') ?? 'wf';
    const externalId = c.req.query('external-id');
    if (externalId !== undefined) {
      if (jobType !== 'wf') throw errors.badParameter('jobtype', jobType);
      return json({ id: store.findByExternalId(externalId)?.id ?? null });
    }
    return json(
      listJobs(store, jobType, c.req.query('filter'), c.req.query('offset'), c.req.query('len'), publicUrl),
    );
  });

  api.get('/job/:id', (c) => {
    const id = c.req.param('id');
    const show = c.req.query('show') ?? 'info';
    const job = store.get(id);
    const version = Number(c.req.param('version')?.slice(1));

    if (id.includes('@')) return json(actionBody(job, id, show));

    switch (show) {
      case 'status':
        return json({ status: job.status });
      case 'info':
        if (job.kind === 'coordinator') {
          return json(
            coordinatorInfo(job, publicUrl, {
              docShapes: config.docShapes,
              offset: optionalInt(c.req.query('offset'), 'offset'),
              len: optionalInt(c.req.query('len'), 'len'),
              version,
            }),
          );
        }
        return json(workflowInfoWindow(job, publicUrl, c.req.query('offset'), c.req.query('len')));
      case 'log':
      case 'errorlog':
      case 'auditlog': {
        const lines = jobLog(store, job).filter((line) =>
          show === 'errorlog'
            ? /\s(WARN|ERROR)\s/.test(line)
            : show === 'auditlog'
              ? AUDIT_COMMANDS.test(line)
              : true,
        );
        return c.text(lines.length ? `${lines.join('\n')}\n` : '', 200, {
          'content-type': 'text/plain;charset=UTF-8',
        });
      }
      default:
        throw errors.badParameter('show', show);
    }
  });

  api.put('/job/:id', async (c) => {
    const id = c.req.param('id');
    const verb = c.req.query('action');
    if (verb === undefined) throw errors.missingParameter('action');
    bump(store.stats.commands, verb);
    const job = store.get(id);

    if (job.kind === 'coordinator') {
      if (!COORDINATOR_VERBS.has(verb)) throw errors.badParameter('action', verb);
      job[verb as 'suspend' | 'resume' | 'kill']();
      return c.body(null, 200);
    }

    if (!WORKFLOW_VERBS.has(verb)) throw errors.badParameter('action', verb);
    if (verb === 'rerun') {
      const conf = await readConfiguration(c);
      const user = c.get('user');
      if (user !== undefined && config.overwriteUserName) conf.set('user.name', user);
      job.rerun(conf);
    } else {
      job[verb as 'start' | 'suspend' | 'resume' | 'kill']();
    }
    return c.body(null, 200);
  });

  app.route('/oozie/:version{v\\d+}', api);
  return app;
}

async function readConfiguration(c: Context<Env>): Promise<Map<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/xml')) throw errors.contentType(type);
  return parseConfiguration(await c.req.text());
}

function optionalInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw errors.badParameter(name, value);
  return parsed;
}

function workflowInfoWindow(
  job: Extract<Job, { kind: 'workflow' }>,
  publicUrl: string,
  offsetParam: string | undefined,
  lenParam: string | undefined,
): Record<string, unknown> {
  const body = workflowInfo(job, publicUrl);
  const offset = Math.max(1, optionalInt(offsetParam, 'offset') ?? 1);
  const len = optionalInt(lenParam, 'len') ?? Number.MAX_SAFE_INTEGER;
  body.actions = (body.actions as unknown[]).slice(offset - 1, offset - 1 + len);
  return body;
}

function actionBody(job: Job, actionId: string, show: string): Record<string, unknown> {
  if (job.kind === 'coordinator') {
    const action = job.actions.find((a) => a.id === actionId);
    if (!action) throw errors.actionNotFound(actionId);
    if (show === 'status') return { status: action.status };
    return coordinatorActionInfo(action, job);
  }
  const info = workflowInfo(job, '');
  const action = (info.actions as Array<{ id: string; status: string }>).find((a) => a.id === actionId);
  if (!action) throw errors.actionNotFound(actionId);
  if (show === 'status') return { status: action.status };
  return action;
}

function jobLog(store: JobStore, job: Job): string[] {
  if (job.kind === 'workflow') return job.log;
  return job.actions.flatMap((action) => {
    const child = action.externalId ? store.jobs.get(action.externalId) : undefined;
    return child?.kind === 'workflow' ? child.log : [];
  });
}

const FILTER_KEYS = new Set([
  'user',
  'name',
  'status',
  'id',
  'text',
  'startCreatedTime',
  'endCreatedTime',
  'sortby',
]);

function listJobs(
  store: JobStore,
  jobType: string,
  filter: string | undefined,
  offsetParam: string | undefined,
  lenParam: string | undefined,
  publicUrl: string,
): Record<string, unknown> {
  const kinds: Record<string, Job['kind'] | undefined> = {
    wf: 'workflow',
    coordinator: 'coordinator',
    bundle: undefined,
  };
  if (!(jobType in kinds)) throw errors.badParameter('jobtype', jobType);
  const kind = kinds[jobType];

  const conditions = new Map<string, string[]>();
  for (const pair of (filter ?? '').split(';').filter(Boolean)) {
    const [name, ...rest] = pair.split('=');
    if (!name || !FILTER_KEYS.has(name) || rest.length === 0) throw errors.badParameter('filter', pair);
    conditions.set(name, [...(conditions.get(name) ?? []), rest.join('=')]);
  }

  const matches = (job: Job): boolean => {
    const checks: Array<[string, string]> = [
      ['user', job.user],
      ['name', job.appName],
      ['status', job.status],
      ['id', job.id],
    ];
    for (const [key, value] of checks) {
      const allowed = conditions.get(key);
      if (allowed && !allowed.includes(value)) return false;
    }
    const text = conditions.get('text');
    return !text || text.some((t) => job.appName.includes(t));
  };

  const all = [...store.jobs.values()]
    .filter((job) => job.kind === kind && matches(job))
    .sort((a, b) => b.createdMs - a.createdMs || b.id.localeCompare(a.id));

  const offset = Math.max(1, optionalInt(offsetParam, 'offset') ?? 1);
  const len = optionalInt(lenParam, 'len') ?? 50;
  const page = all.slice(offset - 1, offset - 1 + len).map((job) =>
    job.kind === 'workflow'
      ? workflowInfo(job, publicUrl, false)
      : {
          ...coordinatorInfo(job, publicUrl, { docShapes: store.config.docShapes, version: 2 }),
          actions: undefined,
        },
  );

  const key = store.config.docShapes
    ? 'jobs'
    : kind === 'workflow'
      ? 'workflows'
      : kind === 'coordinator'
        ? 'coordinatorjobs'
        : 'bundlejobs';
  return { total: all.length, offset, len, [key]: page };
}
