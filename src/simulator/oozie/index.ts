import { readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import { RealClock, type SimClock } from '../common/clock.js';
import { FaultInjector } from '../common/faults.js';
import { inProcessFetch, serveOnLoopback } from '../common/transport.js';
import { buildOozieApp } from './app.js';
import { type OozieSimulatorOptions, oozieSimulatorOptionsSchema } from './options.js';
import { JobStore, type OozieSimulatorStats } from './store.js';

export { DEFAULT_APP_ROOT, defaultApplications, expandScenario } from './applications.js';
export type { ActionSpec, ApplicationInput, OozieSimulatorConfig, OozieSimulatorOptions } from './options.js';
export type { OozieSimulatorStats } from './store.js';

/** One in-process Oozie simulator. */
export interface OozieSimulator {
  // biome-ignore lint/suspicious/noExplicitAny: the app's variable types are internal
  app: Hono<any>;
  /** `fetch` that calls the app without sockets; base URL `http://oozie.sim/oozie`. */
  fetch: typeof fetch;
  clock: SimClock;
  faults: FaultInjector;
  stats: OozieSimulatorStats;
  /** Job store, for tests that inspect or drive jobs directly. */
  store: JobStore;
}

/** Base URL that in-process tests pass to the client together with {@link OozieSimulator.fetch}. */
export const IN_PROCESS_OOZIE_URL = 'http://oozie.sim/oozie';

/**
 * Creates an Oozie simulator. Options are validated with the strict schema in `options.ts`, so a
 * misspelled switch fails here instead of being ignored.
 */
export function createOozieSimulator(options: OozieSimulatorOptions = {}): OozieSimulator {
  const {
    clock = new RealClock(),
    faults: faultConfig,
    publicUrl = 'http://127.0.0.1:11000/oozie',
    ...rest
  } = options;
  const config = oozieSimulatorOptionsSchema.parse(rest);
  const faults = new FaultInjector(faultConfig);
  const store = new JobStore(clock, config);
  const app = buildOozieApp(store, faults, publicUrl);
  return { app, fetch: inProcessFetch(app), clock, faults, stats: store.stats, store };
}

/** A simulator listening on 127.0.0.1. */
export interface RunningOozieSimulator {
  /** Base URL including `/oozie`, such as `http://127.0.0.1:41234/oozie`. */
  url: string;
  simulator: OozieSimulator;
  close(): Promise<void>;
}

/** Starts a simulator on a loopback port (`port` 0 or omitted picks a free one). */
export async function startOozieSimulator(
  options: OozieSimulatorOptions & { port?: number } = {},
): Promise<RunningOozieSimulator> {
  const { port = 0, ...rest } = options;

  // The console URLs in job info need the bound port, so the app is built once the socket listens.
  let simulator: OozieSimulator | undefined;
  const server = await serveOnLoopback(
    {
      fetch: (request, env) =>
        simulator ? simulator.app.fetch(request, env) : new Response(null, { status: 503 }),
    },
    port,
  );
  const url = `${server.origin}/oozie`;
  simulator = createOozieSimulator({ publicUrl: url, ...rest });
  return { url, simulator, close: () => server.close() };
}

/** Reads simulator options from a JSON file; unknown keys fail with the file name in the message. */
export async function loadOozieSimulatorConfig(path: string): Promise<OozieSimulatorOptions> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`Oozie simulator config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = oozieSimulatorOptionsSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`Oozie simulator config ${path} is invalid: ${issues.join('; ')}`);
  }
  return raw as OozieSimulatorOptions;
}

/** Options of {@link serveOozieSimulatorFromCli}. */
export interface OozieSimulatorCliOptions extends OozieSimulatorOptions {
  port?: number;
  /** JSON file with simulator options; explicit options win over the file's. */
  configFile?: string;
  /** Speed-up of simulated durations on the real clock (2 runs jobs twice as fast). @default 1 */
  timeScale?: number;
}

/**
 * Starts a loopback simulator for the CLI. The first line written to `out` is the base URL, so a
 * script can read it; the caller closes the returned server on SIGINT.
 */
export async function serveOozieSimulatorFromCli(
  options: OozieSimulatorCliOptions,
  out: { write(text: string): unknown },
): Promise<RunningOozieSimulator> {
  const { configFile, timeScale = 1, ...explicit } = options;
  const fromFile = configFile ? await loadOozieSimulatorConfig(configFile) : {};
  const running = await startOozieSimulator({ clock: new RealClock(timeScale), ...fromFile, ...explicit });
  out.write(`${running.url}\n`);
  return running;
}
