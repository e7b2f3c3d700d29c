import { Hono } from 'hono';
import type { FaultInjector } from '../common/faults.js';
import type { JobEngine } from '../engine/engine.js';
import { JobPools } from '../engine/pool.js';
import { registerAdminRoutes } from './admin.js';
import { Authenticator } from './auth.js';
import {
  errorResponse,
  HttpError,
  handleError,
  htmlNotFound,
  KNIME_NAMESPACES,
  mason,
  type ServerContext,
  type ServerEnv,
  type ServerParts,
} from './http.js';
import { registerJobRoutes } from './jobs.js';
import { DEFAULT_SERVER_APP_OPTIONS, normaliseContextRoot, type ServerAppOptions } from './options.js';
import { registerRepositoryRoutes } from './repository.js';

export interface ServerAppParts {
  readonly engine: JobEngine;
  readonly options?: Partial<ServerAppOptions>;
  /** Fault rules applied to every request before routing. */
  readonly faults?: FaultInjector;
  /** Shared authenticator, so tokens stay valid when the app is rebuilt; created when omitted. */
  readonly auth?: Authenticator;
}

/**
 * Builds the Hono app of the KNIME Server REST API v4 simulator: `<context root>/rest/v4/...` for
 * each configured context root, and an HTML 404 page, as a servlet container sends, for all other
 * paths.
 */
export function createServerApp(input: ServerAppParts): Hono<ServerEnv> {
  const options: ServerAppOptions = { ...DEFAULT_SERVER_APP_OPTIONS, ...input.options };
  options.contextRoot = normaliseContextRoot(options.contextRoot);
  options.extraContextRoots = options.extraContextRoots.map(normaliseContextRoot);
  const roots = [options.contextRoot, ...options.extraContextRoots].sort((a, b) => b.length - a.length);

  const auth = input.auth ?? new Authenticator(options, input.engine.clock);
  const parts: ServerParts = {
    engine: input.engine,
    pools: new JobPools(input.engine, options.jobPoolSize),
    auth,
    options,
  };

  const app = new Hono<ServerEnv>();
  if (input.faults) app.use('*', input.faults.middleware());
  app.onError((error, c) => handleError(error, c, options));
  app.notFound((c) => htmlNotFound(new URL(c.req.url).pathname));

  const rest = new Hono<ServerEnv>();
  rest.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const root = roots.find((r) => url.pathname.startsWith(`${r}/rest`)) ?? options.contextRoot;
    const result = auth.authenticate(c.req.header('authorization'));
    if (!result.ok) {
      const headers: Record<string, string> = options.wwwAuthenticate
        ? { 'www-authenticate': options.wwwAuthenticate }
        : {};
      return errorResponse(c, options.errorStyle, 401, result.message, headers);
    }
    c.set('scope', { user: result.user, root, rest: `${url.origin}${root}/rest/v4` });
    await next();
  });

  const billboard = (c: ServerContext) => {
    const base = c.var.scope.rest;
    return mason(c, {
      version: '4.x (simulated)',
      '@controls': {
        self: { href: base, method: 'GET' },
        'knime:repository': { href: `${base}/repository/`, method: 'GET' },
        'knime:jobs': { href: `${base}/jobs`, method: 'GET' },
        'knime:jwt': { href: `${base}/auth/jwt`, method: 'GET' },
      },
      '@namespaces': KNIME_NAMESPACES,
    });
  };
  rest.get('/v4', billboard);
  rest.get('/v4/', billboard);
  rest.get('/', billboard);

  const v4 = new Hono<ServerEnv>();
  v4.get('/auth/jwt', (c) =>
    c.body(auth.issueToken(c.var.scope.user), 200, { 'content-type': 'text/plain;charset=UTF-8' }),
  );
  registerAdminRoutes(v4, parts);
  registerJobRoutes(v4, parts);
  registerRepositoryRoutes(v4, parts);
  v4.all('*', (c) => {
    throw new HttpError(404, `No REST resource at ${c.req.method} ${new URL(c.req.url).pathname}`);
  });
  rest.route('/v4', v4);

  for (const root of roots) app.route(`${root}/rest`, rest);
  return app;
}
