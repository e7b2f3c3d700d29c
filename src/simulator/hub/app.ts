import { gzipSync } from 'node:zlib';
import { type Context, Hono } from 'hono';
import type { FaultInjector } from '../common/faults.js';
import type { JobEngine } from '../engine/engine.js';
import { AccountDirectory } from './accounts.js';
import { HubAuthenticator } from './auth.js';
import { ExecutionContexts } from './contexts.js';
import type { Deployment } from './deployments.js';
import {
  control,
  type HubEnv,
  HubError,
  handleHubError,
  KNIME_NAMESPACES,
  problemResponse,
  requestIdOf,
  respond,
} from './http.js';
import { HubJobs } from './jobs.js';
import { DEFAULT_HUB_APP_OPTIONS, type HubAppOptions } from './options.js';
import type { HubParts } from './parts.js';
import { registerRawExecutionRoutes } from './raw-execution.js';
import { registerAccountRoutes } from './routes-accounts.js';
import { registerDeploymentRoutes } from './routes-deployments.js';
import { registerJobRoutes } from './routes-jobs.js';
import { SpaceDirectory } from './spaces.js';
import { resourceResponse, STORAGE_PREFIX, StorageUrls } from './storage.js';

export interface HubAppParts {
  readonly engine: JobEngine;
  readonly options?: Partial<HubAppOptions>;
  /** Fault rules applied to every request before routing. */
  readonly faults?: FaultInjector;
}

/** The Hono app plus the state behind it, for tests and the simulator entry points. */
export interface HubApp {
  readonly app: Hono<HubEnv>;
  readonly parts: HubParts;
}

/**
 * Builds the Hono app of the KNIME Business Hub execution API simulator, mounted at the bare API
 * root (`/jobs`, `/deployments`, `/execution-contexts`, ...) as `api.<hub-host>` serves it.
 *
 * @throws {RangeError} for inconsistent accounts, contexts or item versions in `options`.
 */
export function createHubApp(input: HubAppParts): HubApp {
  const options: HubAppOptions = { ...DEFAULT_HUB_APP_OPTIONS, ...input.options };
  const accounts = new AccountDirectory(options);
  const spaces = new SpaceDirectory(input.engine.workspace, accounts, options);
  const contexts = new ExecutionContexts(options, accounts);
  const parts: HubParts = {
    engine: input.engine,
    jobs: new HubJobs(input.engine, contexts, options),
    accounts,
    auth: new HubAuthenticator(accounts, options),
    spaces,
    contexts,
    deployments: new Map<string, Deployment>(),
    storage: new StorageUrls(input.engine.clock, options.storageUrlLifetimeMs),
    options,
  };

  const app = new Hono<HubEnv>();
  if (options.compressErrors) app.use('*', compressErrorBodies);
  if (input.faults) app.use('*', input.faults.middleware());
  app.onError((error, c) => handleHubError(error, c, options.errorStyle));
  app.notFound((c) =>
    problemResponse(c, options.errorStyle, {
      status: 404,
      title: `No resource at ${c.req.method} ${new URL(c.req.url).pathname}.`,
      details: [],
      headers: {},
    }),
  );

  app.use('*', rateLimiter(parts));

  app.get(`${STORAGE_PREFIX}:token/:name`, (c) => {
    const content = parts.storage.get(c.req.param('token'));
    if (!content) throw new HubError(404, 'The storage URL is unknown or has expired.');
    return resourceResponse(content, requestIdOf(c));
  });

  app.get('/knime/rest', (c) => {
    const base = new URL(c.req.url).origin;
    return respond(c, {
      '@namespaces': KNIME_NAMESPACES,
      '@controls': { self: control(`${base}/knime/rest`, 'GET') },
      version: '5.0.0',
      mountId: 'KNIME-Hub',
      preferredAuthType: 'OAuth',
      enableResetOnUploadCheckbox: false,
      forceResetOnUpload: false,
    });
  });

  app.use('*', async (c, next) => {
    const result = parts.auth.authenticate(
      c.req.header('authorization'),
      c.req.query('authToken'),
      c.req.header('cookie'),
    );
    if (!result.ok) {
      return problemResponse(c, options.errorStyle, {
        status: 401,
        title: result.title,
        details: [],
        headers: { 'www-authenticate': 'Basic realm="KNIME Hub", Bearer' },
      });
    }
    c.set('hub', { caller: result.caller, api: new URL(c.req.url).origin });
    await next();
  });

  registerAccountRoutes(app, parts);
  registerDeploymentRoutes(app, parts);
  registerJobRoutes(app, parts);
  registerRawExecutionRoutes(app, parts);
  return { app, parts };
}

/** Rejects requests with 429 (or 503) once more than the configured rate arrive in one simulated second. */
function rateLimiter(parts: HubParts) {
  let windowStart = Number.NEGATIVE_INFINITY;
  let count = 0;
  return async (c: Parameters<Parameters<Hono<HubEnv>['use']>[1]>[0], next: () => Promise<void>) => {
    const limit = parts.options.rateLimit;
    if (limit) {
      const now = parts.engine.clock.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        count = 0;
      }
      count++;
      if (count > limit.requestsPerSecond) {
        const retryAfter = String(Math.max(1, Math.ceil((windowStart + 1000 - now) / 1000)));
        return problemResponse(c, parts.options.errorStyle, {
          status: limit.status,
          title: 'Too many requests.',
          details: [`The simulator allows ${limit.requestsPerSecond} requests per second.`],
          headers: { 'retry-after': retryAfter },
        });
      }
    }
    await next();
  };
}

/** Gzips the body of every error response when the caller accepts gzip. */
async function compressErrorBodies(c: Context, next: () => Promise<void>): Promise<void> {
  await next();
  const accepts = /\bgzip\b/i.test(c.req.header('accept-encoding') ?? '');
  if (!accepts || c.res.status < 400 || c.res.headers.has('content-encoding')) return;
  const body = gzipSync(new Uint8Array(await c.res.arrayBuffer()));
  const headers = new Headers(c.res.headers);
  headers.set('content-encoding', 'gzip');
  headers.set('content-length', String(body.byteLength));
  c.res = new Response(body, { status: c.res.status, headers });
}
