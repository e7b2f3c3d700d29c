import type { Hono } from 'hono';
import { RealClock, type SimClock } from '../common/clock.js';
import { FaultInjector } from '../common/faults.js';
import { inProcessFetch, serveOnLoopback } from '../common/transport.js';
import { buildAlteryxApp } from './app.js';
import { type AlteryxSimulatorOptions, defaultSimCredential, resolveAlteryxOptions } from './options.js';
import { AlteryxServerState, type AlteryxSimulatorStats, type SimJob } from './state.js';
import {
  defaultAlteryxWorkflows,
  loadAlteryxWorkflowsFile,
  type SimScenario,
  type SimWorkflow,
} from './workflows.js';

export type { AlteryxProfile, AlteryxSimulatorOptions, DispositionValues, SimCredential } from './options.js';
export { defaultSimCredential } from './options.js';
export type { AlteryxSimulatorStats, SimJob, SimMessage } from './state.js';
export type { SimOutput, SimQuestion, SimScenario, SimWorkflow, SimWorkflowInput } from './workflows.js';
export { defaultAlteryxWorkflows, defineAlteryxWorkflows, loadAlteryxWorkflowsFile } from './workflows.js';

/** Test controls of a running simulator, beyond what the HTTP API offers. */
export interface AlteryxSimulatorControl {
  /** Makes every issued token invalid at once; the next API call gets 401. */
  revokeTokens(): void;
  /** Changes what the next jobs of a workflow do. */
  setScenario(workflowId: string, scenario: SimScenario): void;
  /** Jobs of the simulator, oldest first. */
  jobs(): SimJob[];
}

/** A simulated Alteryx Server, reachable in-process through `fetch`. */
export interface AlteryxSimulator {
  app: Hono<never>;
  /** `fetch` that calls the app without sockets; use it as the client's injected fetch. */
  fetch: typeof fetch;
  clock: SimClock;
  faults: FaultInjector;
  stats: AlteryxSimulatorStats;
  control: AlteryxSimulatorControl;
  /** Base URL of the API for in-process use, such as `http://alteryx.test/webapi/`. */
  baseUrl: string;
}

/**
 * Creates a simulated Alteryx Server (API V3 with OAuth 2). Routes live under `basePath`
 * (default `/webapi/`); the in-process `baseUrl` uses the host `alteryx.test`, which `fetch` never
 * resolves because the requests go straight to the app.
 */
export function createAlteryxSimulator(options: AlteryxSimulatorOptions = {}): AlteryxSimulator {
  const resolved = resolveAlteryxOptions(options);
  const clock = options.clock ?? new RealClock();
  const faults = new FaultInjector(options.faults);
  const state = new AlteryxServerState(clock, resolved, options.workflows ?? defaultAlteryxWorkflows());
  const app = buildAlteryxApp(resolved, state, faults);

  const control: AlteryxSimulatorControl = {
    revokeTokens: () => state.revokeTokens(),
    setScenario(workflowId, scenario) {
      const workflow = state.workflows.get(workflowId);
      if (!workflow) throw new Error(`no simulated workflow has id ${workflowId}`);
      workflow.scenario = scenario;
    },
    jobs: () => [...state.jobs.values()].sort((a, b) => a.createdMs - b.createdMs),
  };

  return {
    app: app as unknown as Hono<never>,
    fetch: inProcessFetch(app),
    clock,
    faults,
    stats: state.stats,
    control,
    baseUrl: `http://alteryx.test${resolved.basePath}`,
  };
}

/** A simulator listening on a loopback socket. */
export interface RunningAlteryxSimulator {
  /** Base URL of the API, such as `http://127.0.0.1:41234/webapi/`. */
  url: string;
  simulator: AlteryxSimulator;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 (never on another interface). Port 0 picks a free port. */
export async function startAlteryxSimulator(
  options: AlteryxSimulatorOptions & { port?: number } = {},
): Promise<RunningAlteryxSimulator> {
  const simulator = createAlteryxSimulator(options);
  const server = await serveOnLoopback(simulator.app, options.port ?? 0);
  const basePath = resolveAlteryxOptions(options).basePath;
  return { url: `${server.origin}${basePath}`, simulator, close: () => server.close() };
}

/** Options of the `simulator --alteryx` command. */
export interface AlteryxSimulatorCliOptions extends AlteryxSimulatorOptions {
  port?: number;
  /** JSON or YAML file with `{ workflows: [...] }`; the default set when left out. */
  workflowsFile?: string;
  /** Speed-up of simulated time: 10 runs a 5-second job in half a second. @default 1 */
  timeScale?: number;
}

/**
 * Starts the simulator for the CLI. The first line written to `out` is the base URL; the next lines
 * list the API key and the published workflows. The API secret is not printed: it is the
 * documented default or the one the caller passed in.
 */
export async function serveAlteryxSimulatorFromCli(
  options: AlteryxSimulatorCliOptions,
  out: { write(text: string): unknown },
): Promise<{ url: string; close(): Promise<void> }> {
  const workflows: SimWorkflow[] | undefined = options.workflowsFile
    ? await loadAlteryxWorkflowsFile(options.workflowsFile)
    : options.workflows;
  const clock = options.clock ?? new RealClock(options.timeScale ?? 1);
  const running = await startAlteryxSimulator({ ...options, clock, ...(workflows ? { workflows } : {}) });

  out.write(`${running.url}\n`);
  const apiKey = (options.credentials ?? [defaultSimCredential])[0]?.apiKey ?? '';
  out.write(`api key: ${apiKey}\n`);
  for (const workflow of workflows ?? defaultAlteryxWorkflows()) {
    out.write(`workflow ${workflow.id} ${workflow.name} (${workflow.scenario})\n`);
  }
  return { url: running.url, close: running.close };
}
