import type { Hono } from 'hono';
import { RealClock, type SimClock } from '../common/clock.js';
import { type FaultConfig, FaultInjector } from '../common/faults.js';
import { faultConfigWithSeed, seededUuids } from '../common/seeded-ids.js';
import { inProcessFetch, serveOnLoopback } from '../common/transport.js';
import { type EngineOptions, JobEngine } from '../engine/engine.js';
import type { EngineStats } from '../engine/stats.js';
import { DEMO_WORKSPACE } from '../serve.js';
import { loadWorkspace } from '../workspace/load.js';
import type { Workspace } from '../workspace/model.js';
import { createHubApp } from './app.js';
import type { HubEnv } from './http.js';
import { DEFAULT_HUB_APP_OPTIONS, DEFAULT_HUB_TEAM, type HubAppOptions, type HubUser } from './options.js';
import type { HubParts } from './parts.js';

export { createHubApp, type HubApp, type HubAppParts } from './app.js';
export { IMPLEMENTED_OPERATIONS, type ImplementedOperation } from './operations.js';
export {
  DEFAULT_HUB_APP_OPTIONS,
  type DeploymentType,
  type ExecutionContextStatus,
  type HubApplicationPassword,
  type HubAppOptions,
  type HubExecutionContextConfig,
  type HubItemVersion,
  type HubTeam,
  type HubUser,
  type SpaceMapping,
} from './options.js';
export {
  deriveHubStates,
  type HubCombinedState,
  type HubJobState,
  type HubStates,
  type HubWorkflowState,
} from './states.js';

/** Options of {@link createHubSimulator}; HTTP options are those of {@link HubAppOptions}. */
export interface HubSimulatorOptions extends Partial<HubAppOptions> {
  /** The workspace to serve, or the folder to load it from. */
  workspace: Workspace | string;
  /** Time source of job transitions. @default new RealClock(timeScale) */
  clock?: SimClock;
  /** Speed-up of the default real clock: 10 runs a 200 ms job in 20 ms. @default 1 */
  timeScale?: number;
  /** Fault rules, or an injector to share. @default no faults */
  faults?: FaultConfig | FaultInjector;
  /** Seed of job and deployment ids and of fault draws without their own seed; omitted gives random ids. */
  seed?: number;
  /** Engine choices: discard of executing jobs, default timings, ... (`readyState` comes from the Hub options). */
  engine?: Partial<EngineOptions>;
  /** Origin of {@link HubSimulator.baseUrl} for in-process use. @default 'http://api.hub.test' */
  origin?: string;
}

/** An in-process KNIME Business Hub simulator. */
export interface HubSimulator {
  readonly app: Hono<HubEnv>;
  /** `fetch` that calls the app in-process, without sockets. */
  readonly fetch: typeof fetch;
  readonly clock: SimClock;
  readonly faults: FaultInjector;
  readonly stats: EngineStats;
  readonly engine: JobEngine;
  readonly workspace: Workspace;
  /** API root a client takes as its Hub URL, such as `http://api.hub.test`. */
  readonly baseUrl: string;
  /** Accounts, spaces, execution contexts, deployments and jobs, for tests that set up or inspect state. */
  readonly parts: HubParts;
}

/**
 * Builds a KNIME Business Hub simulator for in-process use (`simulator.fetch`).
 *
 * @throws {SidecarError} when a workflow's `knimectl-simulation.json` is invalid.
 * @throws {RangeError} for inconsistent accounts, execution contexts or item versions.
 */
export async function createHubSimulator(options: HubSimulatorOptions): Promise<HubSimulator> {
  const workspace =
    typeof options.workspace === 'string' ? await loadWorkspace(options.workspace) : options.workspace;
  const clock = options.clock ?? new RealClock(options.timeScale ?? 1);
  const faults =
    options.faults instanceof FaultInjector
      ? options.faults
      : new FaultInjector(faultConfigWithSeed(options.faults, options.seed));
  const http = httpOptionsOf(options);
  const engine = new JobEngine(workspace, clock, {
    readyState: http.readyState ?? DEFAULT_HUB_APP_OPTIONS.readyState,
    ...(options.seed === undefined ? {} : { newJobId: seededUuids(options.seed) }),
    ...options.engine,
  });
  const { app, parts } = createHubApp({ engine, options: http, faults });
  return {
    app,
    fetch: inProcessFetch(app),
    clock,
    faults,
    stats: engine.stats,
    engine,
    workspace,
    baseUrl: (options.origin ?? 'http://api.hub.test').replace(/\/+$/, ''),
    parts,
  };
}

/** A Hub simulator listening on 127.0.0.1. */
export interface RunningHubSimulator {
  /** API root, such as `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly simulator: HubSimulator;
  close(): Promise<void>;
}

/** Starts the Hub simulator on a loopback socket (127.0.0.1 only); port 0 picks a free port. */
export async function startHubSimulator(
  options: HubSimulatorOptions & { port?: number },
): Promise<RunningHubSimulator> {
  const { port, ...rest } = options;
  const simulator = await createHubSimulator(rest);
  const server = await serveOnLoopback(simulator.app, port ?? 0);
  return { url: server.origin, simulator, close: () => server.close() };
}

/** Options of `knimectl simulator --hub`, one field per flag. */
export interface HubSimulatorCliOptions {
  /** `--port`: TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** `--workspace`: workspace folder to serve. @default the packaged demo workspace */
  workspace?: string;
  /** Users with their application passwords. None turns authentication off. */
  users?: readonly HubUser[];
  /**
   * `--user pwId:password` pairs: each becomes a user of that name with one application password,
   * in the team that owns the spaces. Ignored when `users` is given.
   */
  credentials?: readonly { readonly name: string; readonly password: string }[];
  /** `--time-scale`. @default 1 */
  timeScale?: number;
  /** `--faults <file.json>`, already read and validated. */
  faults?: FaultConfig;
  /** `--seed`: seed of job ids and fault draws. */
  seed?: number;
  /** Further Hub options (space mapping, execution contexts, choices of the open questions). */
  hub?: Partial<HubAppOptions>;
}

/**
 * Starts the Hub simulator for `knimectl simulator --hub`. The first line written to `out` is
 * exactly the API root URL a client takes. The next lines list the users, the execution contexts,
 * and the workflows with their item ids and Hub paths.
 */
export async function serveHubSimulatorFromCli(
  options: HubSimulatorCliOptions,
  out: { write(text: string): unknown },
): Promise<{ url: string; close(): Promise<void> }> {
  const users =
    options.users ??
    (options.credentials && options.credentials.length > 0
      ? hubUsersFromCredentials(options.credentials)
      : undefined) ??
    options.hub?.users;
  const running = await startHubSimulator({
    ...options.hub,
    workspace: options.workspace ?? DEMO_WORKSPACE,
    port: options.port ?? 0,
    ...(users === undefined ? {} : { users }),
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });

  const { parts } = running.simulator;
  out.write(`${running.url}\n`);
  out.write(
    parts.accounts.authenticationEnabled
      ? `users: ${parts.accounts.users.map((user) => user.name).join(', ')}\n`
      : `authentication: off (requests act as ${parts.accounts.users[0]?.name})\n`,
  );
  for (const context of parts.contexts.all()) {
    out.write(`execution context ${context.id} ${context.name} (${context.status})\n`);
  }
  for (const item of parts.spaces.items()) {
    if (item.type === 'Workflow') out.write(`workflow ${item.id} ${item.path}\n`);
  }
  return { url: running.url, close: running.close };
}

/**
 * Turns `pwId:password` pairs into Hub users: one user per pair, named after the `pwId`, with that
 * application password and membership in {@link DEFAULT_HUB_TEAM}, the team that owns the spaces
 * under the default options.
 */
export function hubUsersFromCredentials(
  credentials: readonly { readonly name: string; readonly password: string }[],
): HubUser[] {
  return credentials.map((credential) => ({
    name: credential.name,
    teams: [DEFAULT_HUB_TEAM],
    applicationPasswords: [{ pwId: credential.name, password: credential.password }],
  }));
}

/** Picks the options of {@link HubSimulatorOptions} that belong to the HTTP app. */
function httpOptionsOf(options: HubSimulatorOptions): Partial<HubAppOptions> {
  const entries = Object.keys(DEFAULT_HUB_APP_OPTIONS)
    .map((key) => [key, options[key as keyof HubAppOptions]] as const)
    .filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries) as Partial<HubAppOptions>;
}
