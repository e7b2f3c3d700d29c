import type { Hono } from 'hono';
import { type ExecutionContext, executionContextJson } from './contexts.js';
import {
  apiUrl,
  control,
  type HubContext,
  type HubEnv,
  HubError,
  KNIME_NAMESPACES,
  respond,
} from './http.js';
import { type ListSpec, pageOf } from './paging.js';
import type { HubParts } from './parts.js';
import { mayAct, requireScope } from './parts.js';
import { deploymentListResponse } from './routes-deployments.js';
import { jobListResponse } from './routes-jobs.js';
import type { HubItem } from './spaces.js';
import { formatTimestamp } from './wire.js';

/** Registers identity, execution-context and repository routes. */
export function registerAccountRoutes(app: Hono<HubEnv>, parts: HubParts): void {
  const identity = (c: HubContext) => {
    const { user, applicationPassword } = c.var.hub.caller;
    const teams = user.teamIds.map((id) => {
      const team = parts.accounts.byId(id);
      const name = team?.name ?? id;
      return {
        id,
        name,
        groups: [{ name: 'accountMember', displayName: 'Members', id: `${id}:group:accountMember` }],
      };
    });
    return respond(c, {
      '@namespaces': KNIME_NAMESPACES,
      '@controls': { self: control(apiUrl(c, `/accounts/${user.id}`), 'GET') },
      type: 'USER',
      id: user.id,
      name: user.name,
      description: '',
      teams,
      ...(applicationPassword
        ? { applicationPassword: { id: applicationPassword.id, name: applicationPassword.name } }
        : {}),
      active: true,
    });
  };
  app.get('/accounts/identity', identity);
  app.get('/application-passwords/identity', (c) => {
    if (!c.var.hub.caller.applicationPassword && parts.accounts.authenticationEnabled) {
      throw new HubError(401, 'This endpoint needs Basic authentication with an application password.');
    }
    return identity(c);
  });
  app.get('/accounts/hub:global', (c) =>
    respond(c, {
      id: 'hub:global',
      type: 'installation',
      name: 'KNIME Business Hub (simulated)',
      features: [],
      version: '1.x (simulated)',
    }),
  );

  registerExecutionContextRoutes(app, parts);
  registerRepositoryRoutes(app, parts);
}

const contextListSpec: ListSpec<ExecutionContext> = {
  filters: {
    name: { value: (context) => context.name },
    scope: { value: (context) => context.scope },
    isPool: { value: () => 'false', allowed: ['true', 'false'] },
  },
  sorts: { id: (context) => context.id, name: (context) => context.name, scope: (context) => context.scope },
  defaultSort: 'name',
};

function registerExecutionContextRoutes(app: Hono<HubEnv>, parts: HubParts): void {
  const json = (c: HubContext, context: ExecutionContext) => {
    const jobs = parts.jobs.jobsIn(context);
    const lastUpdate = Math.max(0, ...jobs.map((job) => job.updatedAt));
    const spaceIds =
      context === parts.contexts.default
        ? [...new Set(parts.spaces.items().map((item) => item.spaceId))]
        : [];
    return {
      '@controls': { self: control(apiUrl(c, `/execution-contexts/${context.id}`), 'GET') },
      ...executionContextJson(
        context,
        {
          deployments: [...parts.deployments.values()].filter((d) => d.context.id === context.id).length,
          jobs: jobs.length,
          loadedJobs: parts.jobs.loadedJobs(context),
          ...(lastUpdate > 0
            ? {
                lastJobStatusUpdate: formatTimestamp(lastUpdate, 'job', {
                  timestampFormat: 'micros',
                  timeZone: 'UTC',
                }),
              }
            : {}),
        },
        spaceIds,
      ),
    };
  };
  const list = (c: HubContext, contexts: readonly ExecutionContext[]) => {
    const page = pageOf(c, contexts, contextListSpec, c.req.url);
    return respond(c, {
      '@namespaces': KNIME_NAMESPACES,
      '@controls': {
        ...page.controls,
        collection: control(`${apiUrl(c, '/execution-contexts')}{?spaceId}`, 'GET'),
      },
      ...(page.pagination ? { pagination: page.pagination } : {}),
      executionContexts: page.items.map((context) => json(c, context)),
    });
  };
  const requireContext = (c: HubContext, id: string) => {
    const context = parts.contexts.get(id);
    // The spec declares no 403 here: a context of another account is as invisible as a missing one.
    if (!context || !mayAct(parts, c, context.scope)) {
      throw new HubError(404, `Execution context '${id}' does not exist.`);
    }
    return context;
  };

  app.get('/execution-contexts', (c) => {
    const spaceId = c.req.query('spaceId');
    if (spaceId !== undefined && !parts.spaces.items().some((item) => item.spaceId === spaceId)) {
      throw new HubError(422, `Space '${spaceId}' does not exist.`);
    }
    return list(
      c,
      parts.contexts.all().filter((context) => mayAct(parts, c, context.scope)),
    );
  });
  app.get('/execution-contexts/:key', (c) => {
    const key = c.req.param('key');
    if (key.startsWith('account:') || key === 'hub:global') {
      requireScope(parts, c, key, `the execution contexts of '${key}'`);
      return list(
        c,
        parts.contexts.all().filter((context) => context.scope === key || context.scope === 'hub:global'),
      );
    }
    return respond(c, { ...json(c, requireContext(c, key)), '@namespaces': KNIME_NAMESPACES });
  });
  app.get('/execution-contexts/:uuid/jobs', (c) => {
    const context = requireContext(c, c.req.param('uuid'));
    return jobListResponse(
      c,
      parts,
      parts.jobs.jobsIn(context).filter((job) => mayAct(parts, c, job.origin.scope)),
    );
  });
  const contextDeployments = (c: HubContext, type?: string) => {
    const context = requireContext(c, c.req.param('uuid') ?? '');
    const deployments = [...parts.deployments.values()].filter(
      (d) =>
        d.context.id === context.id && (type === undefined || d.type === type) && mayAct(parts, c, d.scope),
    );
    return deploymentListResponse(c, parts, deployments);
  };
  app.get('/execution-contexts/:uuid/deployments', (c) => contextDeployments(c));
  app.get('/execution-contexts/:uuid/deployments/rest', (c) => contextDeployments(c, 'rest'));
  app.get('/execution-contexts/:uuid/deployments/schedules', (c) => contextDeployments(c, 'schedule'));
  app.get('/execution-contexts/:uuid/deployments/data-apps', (c) => contextDeployments(c, 'data-app'));
  app.get('/execution-contexts/:uuid/deployments/triggers', (c) => contextDeployments(c, 'trigger'));
}

function registerRepositoryRoutes(app: Hono<HubEnv>, parts: HubParts): void {
  const itemJson = (c: HubContext, item: HubItem, withChildren: boolean): Record<string, unknown> => {
    const versions = parts.spaces.versionsOf(item);
    return {
      '@controls': { self: control(apiUrl(c, `/repository/${item.id}`), 'GET') },
      id: item.id,
      path: item.path,
      canonicalPath: item.canonicalPath,
      type: item.type,
      owner: item.owner.name,
      ownerAccountId: item.owner.id,
      ...(versions.length > 0 ? { itemVersionId: versions.at(-1)?.version } : {}),
      ...(withChildren && item.item.children.length > 0
        ? {
            children: item.item.children
              .map((child) => parts.spaces.ofWorkspacePath(child.path))
              .filter(
                (child): child is HubItem =>
                  child !== undefined && child.spaceId === item.spaceId && child.type !== 'Space',
              )
              .map((child) => itemJson(c, child, false)),
          }
        : {}),
    };
  };
  // The path after `/repository` is `/*<id>[/versions]` or a Hub path, each segment encoded once.
  const resolve = (c: HubContext): { item: HubItem; suffix: string } => {
    const raw = new URL(c.req.url).pathname.replace(/^\/(?:knime\/rest\/v4\/)?repository/, '');
    const segments = raw
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          throw new HubError(404, `Item '${raw}' does not exist.`, [
            `'${segment}' is not valid percent-encoding.`,
          ]);
        }
      });
    const [first = '', ...rest] = segments;
    const [uri, suffix] = first.startsWith('*') ? [first, rest.join('/')] : [`/${segments.join('/')}`, ''];
    const item = parts.spaces.find(uri);
    if (!item) throw new HubError(404, `Item '${uri}' does not exist.`);
    requireScope(parts, c, item.owner.id, `item '${uri}'`);
    return { item, suffix };
  };
  const handler = (c: HubContext) => {
    const { item, suffix } = resolve(c);
    if (suffix === 'versions') {
      const versions = parts.spaces.versionsOf(item);
      return respond(c, {
        totalCount: versions.length,
        versions: [...versions].reverse().map((version) => ({
          version: version.version,
          title: version.title ?? `Version ${version.version}`,
          description: version.description ?? '',
          author: item.owner.name,
          authorAccountId: item.owner.id,
        })),
      });
    }
    if (suffix !== '') throw new HubError(404, `Item '${item.id}/${suffix}' does not exist.`);
    return respond(c, { ...itemJson(c, item, true), '@namespaces': KNIME_NAMESPACES });
  };
  app.get('/repository/*', handler);
  app.get('/knime/rest/v4/repository/*', handler);
}
