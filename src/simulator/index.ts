import type { Hono } from 'hono';
import { RealClock, type SimClock } from './common/clock.js';
import { type FaultConfig, FaultInjector } from './common/faults.js';
import { seededRandom } from './common/random.js';
import { inProcessFetch, serveOnLoopback } from './common/transport.js';
import type { EngineOptionsInput } from './engine/engine.js';
import { JobEngine } from './engine/engine.js';
import type { EngineStats } from './engine/stats.js';
import { createServerApp } from './server/app.js';
import type { ServerEnv } from './server/http.js';
import { DEFAULT_SERVER_APP_OPTIONS, normaliseContextRoot, type ServerAppOptions } from './server/options.js';
import { loadWorkspace } from './workspace/load.js';
import type { Workspace } from './workspace/model.js';

export { ManualClock, RealClock, type SimClock } from './common/clock.js';
export type { FaultConfig } from './common/faults.js';
export { FaultInjector } from './common/faults.js';
export * from './engine/index.js';
export { createServerApp } from './server/app.js';
export type { PermissionRule, ServerAppOptions, SimulatorUser } from './server/options.js';

/** Options of {@link createServerSimulator}; HTTP options are those of {@link ServerAppOptions}. */
export interface ServerSimulatorOptions extends Partial<ServerAppOptions> {
  /** The workspace to serve, or the folder to load it from. */
  workspace: Workspace | string;
  /** Time source of job transitions. @default new RealClock(timeScale) */
  clock?: SimClock;
  /** Speed-up of the default real clock: 10 runs a 200 ms job in 20 ms. @default 1 */
  timeScale?: number;
  /** Fault rules, or an injector to share. @default no faults */
  faults?: FaultConfig | FaultInjector;
  /** Seed of job ids and of fault draws without their own seed; omitted gives random job ids. */
  seed?: number;
  /** Engine choices: ready state, discard of executing jobs, default timings, ... */
  engine?: EngineOptionsInput;
  /** Origin of {@link ServerSimulator.baseUrl} for in-process use. @default 'http://knime-server.test' */
  origin?: string;
}

/** An in-process KNIME Server simulator. */
export interface ServerSimulator {
  readonly app: Hono<ServerEnv>;
  /** `fetch` that calls the app in-process, without sockets. */
  readonly fetch: typeof fetch;
  readonly clock: SimClock;
  readonly faults: FaultInjector;
  readonly stats: EngineStats;
  readonly engine: JobEngine;
  readonly workspace: Workspace;
  /** Context root URL a client takes as its server URL, such as `http://knime-server.test/knime`. */
  readonly baseUrl: string;
}

/**
 * Builds a KNIME Server REST API v4 simulator for in-process use (`simulator.fetch`).
 *
 * @throws {SidecarError} when a workflow's `knimectl-simulation.json` is invalid.
 */
export async function createServerSimulator(options: ServerSimulatorOptions): Promise<ServerSimulator> {
  const workspace =
    typeof options.workspace === 'string' ? await loadWorkspace(options.workspace) : options.workspace;
  const clock = options.clock ?? new RealClock(options.timeScale ?? 1);
  const faults =
    options.faults instanceof FaultInjector
      ? options.faults
      : new FaultInjector(withSeed(options.faults, options.seed));
  const engine = new JobEngine(workspace, clock, {
    ...(options.seed === undefined ? {} : { newJobId: seededUuids(options.seed) }),
    ...options.engine,
  });

  const http = httpOptionsOf(options);
  const app = createServerApp({ engine, options: http, faults });
  const contextRoot = normaliseContextRoot(http.contextRoot ?? DEFAULT_SERVER_APP_OPTIONS.contextRoot);
  return {
    app,
    fetch: inProcessFetch(app),
    clock,
    faults,
    stats: engine.stats,
    engine,
    workspace,
    baseUrl: `${(options.origin ?? 'http://knime-server.test').replace(/\/+$/, '')}${contextRoot}`,
  };
}

/** A simulator listening on 127.0.0.1. */
export interface RunningServerSimulator {
  /** Context root URL, such as `http://127.0.0.1:40123/knime`: the server URL a client takes. */
  readonly url: string;
  readonly simulator: ServerSimulator;
  close(): Promise<void>;
}

/** Starts the simulator on a loopback socket (127.0.0.1 only); port 0 picks a free port. */
export async function startServerSimulator(
  options: ServerSimulatorOptions & { port?: number },
): Promise<RunningServerSimulator> {
  const { port, ...rest } = options;
  const simulator = await createServerSimulator(rest);
  const server = await serveOnLoopback(simulator.app, port ?? 0);
  const contextRoot = new URL(simulator.baseUrl).pathname;
  return { url: `${server.origin}${contextRoot}`, simulator, close: () => server.close() };
}

/** Picks the options of {@link ServerSimulatorOptions} that belong to the HTTP app. */
function httpOptionsOf(options: ServerSimulatorOptions): Partial<ServerAppOptions> {
  const entries = Object.keys(DEFAULT_SERVER_APP_OPTIONS)
    .map((key) => [key, options[key as keyof ServerAppOptions]] as const)
    .filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries) as Partial<ServerAppOptions>;
}

function withSeed(config: FaultConfig | undefined, seed: number | undefined): FaultConfig {
  if (!config) return { seed: seed ?? 1, rules: [] };
  return config.seed === undefined && seed !== undefined ? { ...config, seed } : config;
}

/** Version 4 UUIDs drawn from a seeded generator, so a seeded run gives the same job ids. */
function seededUuids(seed: number): () => string {
  const random = seededRandom(seed);
  return () => {
    const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
