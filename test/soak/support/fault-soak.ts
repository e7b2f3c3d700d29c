/**
 * Fault soak driver: runs many jobs through the in-process KNIME Server simulator while its fault
 * injector breaks the requests that create and execute jobs, then checks the result against the
 * simulator's own counters. The vitest soak and `bench/` both call {@link runFaultSoak}.
 */
import { isKnimeError } from '../../../src/errors/index.js';
import { createClient } from '../../../src/job/client.js';
import type { FaultConfig, FaultKind } from '../../../src/simulator/common/faults.js';
import { createServerSimulator, ManualClock } from '../../../src/simulator/index.js';
import { workspaceWithOpenApi } from '../../library/simulator.js';
import { SteppingClock } from '../../library/support.js';

/** Creating route `POST {workflow}:jobs` and executing route `POST /jobs/{id}` of the REST API v4. */
export const CREATE_ROUTE = ':jobs$';
export const EXECUTE_ROUTE = '/jobs/[^/]+$';

/**
 * Fault mix of the soak on both routes: 10 % 5xx without any work, 2 % connection resets before
 * any work, and 1 % lost responses after the work was done.
 */
export function soakFaults(seed: number): FaultConfig {
  const rule = { method: 'POST', serverErrorRate: 0.1, resetRate: 0.02, lostResponseRate: 0.01 };
  return {
    seed,
    rules: [
      { ...rule, path: CREATE_ROUTE },
      { ...rule, path: EXECUTE_ROUTE },
    ],
  };
}

export interface FaultSoakOptions {
  /** Logical runs (`client.run` calls). */
  jobs: number;
  /** Runs in flight at once through one client. @default 1 */
  concurrency?: number;
  /** Seed of the fault draws. @default 1 */
  seed?: number;
}

/** One logical run as the caller saw it. */
export interface RunRecord {
  name: string;
  jobId?: string;
  /** `succeeded` with the expected output, or the error code the client threw. */
  result: 'succeeded' | 'wrong-output' | string;
  message?: string;
}

export interface FaultSoakReport {
  runs: RunRecord[];
  /** Injected faults by kind. */
  faults: Record<FaultKind, number>;
  jobsCreated: number;
  executionsStarted: number;
  executionsFinished: number;
  /** Job ids the simulator executed more than once. */
  duplicateExecutions: string[];
  /** Job ids the simulator executed that no run reported as its job. */
  lostOutcomes: string[];
  /** Runs that reported success for a job the simulator did not execute exactly once. */
  phantomSuccesses: string[];
  /** Runs that failed with an error that is not a typed `KnimeError`. */
  untypedErrors: RunRecord[];
  /** Jobs still on the simulator after every run ended (kept failures are listed here too). */
  leftOnServer: number;
}

const WORKFLOW = '/Soak/Greeting';

/**
 * Runs the soak and returns what happened; the caller asserts. Every run is `client.run` with a
 * distinct input, so a wrong job adoption shows up as a wrong output.
 */
export async function runFaultSoak(options: FaultSoakOptions): Promise<FaultSoakReport> {
  const manual = new ManualClock(Date.UTC(2026, 0, 1));
  const simulator = await createServerSimulator({
    workspace: workspaceWithOpenApi({
      [WORKFLOW]: {
        inputs: [{ shortName: 'name', nodeIdPath: '1', example: 'World' }],
        outputs: [{ shortName: 'greeting', nodeIdPath: '2', example: 'Hello' }],
        simulation: {
          loadMs: 50,
          durationMs: 2_000,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the simulator expands this placeholder.
          outputs: { greeting: { template: 'Hello, ${input:name}!' } },
        },
      },
    }),
    clock: manual,
    seed: options.seed ?? 1,
    createJob: 'background',
    faults: soakFaults(options.seed ?? 1),
  });
  const client = createClient({
    url: simulator.baseUrl,
    fetch: simulator.fetch,
    clock: new SteppingClock(manual),
    retry: { random: () => 0.5 },
  });

  const runs: RunRecord[] = [];
  let next = 0;
  const worker = async () => {
    while (next < options.jobs) {
      const name = `run-${next++}`;
      runs.push(await runOne(client, name));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));

  const stats = simulator.stats.toJSON();
  const executed = Object.entries(stats.executionsByJob);
  const reported = new Set(runs.flatMap((run) => (run.jobId ? [run.jobId] : [])));
  return {
    runs,
    faults: { ...simulator.faults.counts },
    jobsCreated: stats.jobsCreated,
    executionsStarted: stats.executionsStarted,
    executionsFinished: stats.executionsFinished,
    duplicateExecutions: executed.filter(([, count]) => count > 1).map(([id]) => id),
    lostOutcomes: executed.filter(([id]) => !reported.has(id)).map(([id]) => id),
    phantomSuccesses: runs
      .filter((run) => run.result === 'succeeded' && stats.executionsByJob[run.jobId ?? ''] !== 1)
      .map((run) => run.name),
    untypedErrors: runs.filter((run) => run.result === 'untyped'),
    leftOnServer: simulator.engine.listJobs({}).length,
  };
}

async function runOne(client: ReturnType<typeof createClient>, name: string): Promise<RunRecord> {
  try {
    const result = await client.run(WORKFLOW, { name });
    const ok = result.outputs.greeting === `Hello, ${name}!`;
    return { name, jobId: result.status.jobId, result: ok ? 'succeeded' : 'wrong-output' };
  } catch (error) {
    if (!isKnimeError(error)) return { name, result: 'untyped', message: String(error) };
    return { name, jobId: error.jobId, result: error.code, message: error.message };
  }
}
