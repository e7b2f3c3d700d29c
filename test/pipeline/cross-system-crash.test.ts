/**
 * Crash test of examples/cross-system. A child process runs the KNIME → Oozie → Alteryx → command
 * pipeline against three loopback simulators owned by this process. It is killed with SIGKILL at
 * one point per case, and a new child then resumes the run. No KNIME workflow may execute twice, no
 * Oozie job may be submitted twice, no Alteryx job may be queued twice, and the ledger must stay
 * consistent.
 *
 * By default a handful of exact points run. KNIMECTL_CRASH_POINTS=N runs up to N cases: every
 * exact point first, then kills after fixed delays spread over the run.
 */
import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/pipeline/ledger/ledger.js';
import {
  loadAlteryxWorkflowsFile,
  type RunningAlteryxSimulator,
  startAlteryxSimulator,
} from '../../src/simulator/alteryx/index.js';
import { RealClock } from '../../src/simulator/common/clock.js';
import { type RunningServerSimulator, startServerSimulator } from '../../src/simulator/index.js';
import {
  loadOozieSimulatorConfig,
  type RunningOozieSimulator,
  startOozieSimulator,
} from '../../src/simulator/oozie/index.js';
import { createWorkDir } from './support/workdir.js';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const exampleDir = path.join(repoDir, 'examples', 'cross-system');
const REPORT_ID = '6560c0ffee0000000000aa01';
const STEPS = ['summarize', 'load-warehouse', 'report', 'manifest'];

/**
 * Source of the child process. It runs or resumes the pipeline with in-process clients and prints
 * every event as one JSON line. `CRASH_AT` makes it kill itself with SIGKILL at an exact point:
 * - `<event>:<step>`, such as `step-started:report`, right after the runner emitted that event
 *   (`step-starting` follows the recorded intent, `step-started` the recorded remote id);
 * - `after-start:knime`, `after-submit:oozie`, `after-queue:alteryx`: after the server created the
 *   job and before the runner recorded its id.
 *
 * Arguments: run|resume, pipeline file or run id, ledger, KNIME, Oozie and Alteryx URLs.
 */
const driverSource = (repo: string) => `
const { runPipeline, resumeRun } = await import(${JSON.stringify(`${repo}/src/pipeline/runner.js`)});
const { createClient } = await import(${JSON.stringify(`${repo}/src/job/client.js`)});
const { OozieClient } = await import(${JSON.stringify(`${repo}/src/oozie/index.js`)});
const { AlteryxClient } = await import(${JSON.stringify(`${repo}/src/alteryx/index.js`)});

const [mode, target, ledgerPath, knimeUrl, oozieUrl, alteryxUrl] = process.argv.slice(2);
const crashAt = process.env.CRASH_AT ?? '';

function crash() {
  process.kill(process.pid, 'SIGKILL');
}

// Wraps one method so that the process dies right after the call that created remote work returned.
function crashAfter(client, method, point) {
  return new Proxy(client, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (property !== method) return typeof value === 'function' ? value.bind(object) : value;
      return async (...args) => {
        const result = await value.apply(object, args);
        if (crashAt === point) crash();
        return result;
      };
    },
  });
}

const connections = {
  knime: crashAfter(createClient({ url: knimeUrl, validateUrl: false }), 'start', 'after-start:knime'),
  hadoop: crashAfter(new OozieClient({ baseUrl: oozieUrl, user: 'etl' }), 'submitWorkflow', 'after-submit:oozie'),
  alteryx: crashAfter(
    new AlteryxClient({ baseUrl: alteryxUrl, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' }),
    'queueJob',
    'after-queue:alteryx',
  ),
};

const onEvent = (event) => {
  process.stdout.write(JSON.stringify(event) + '\\n');
  if ('step' in event && crashAt === event.type + ':' + event.step) crash();
};

const options = { ledgerPath, onEvent, connections, pollIntervalMs: 20, maxParallel: 4 };
const result =
  mode === 'run'
    ? await runPipeline(target, { ...options, params: { date: '2026-12-04' } })
    : await resumeRun(target, options);
process.stdout.write(JSON.stringify({ type: 'result', outcome: result.outcome, runId: result.runId }) + '\\n');
`;

/** Points where a kill leaves remote work behind, with the step that the resumed run must re-attach. */
const ATTACH_POINTS: Record<string, string> = {
  'after-start:knime': 'summarize',
  'step-started:summarize': 'summarize',
  'after-submit:oozie': 'load-warehouse',
  'step-started:load-warehouse': 'load-warehouse',
  'after-queue:alteryx': 'report',
  'step-started:report': 'report',
  'step-started:manifest': 'manifest',
};

/** Points run by default: a job created but not recorded on each system, two recorded jobs, and an intent with no job. */
const DEFAULT_POINTS = [
  'after-start:knime',
  'after-submit:oozie',
  'step-started:load-warehouse',
  'step-starting:report',
  'after-queue:alteryx',
  'step-started:report',
];

const ALL_EXACT_POINTS = [
  'step-starting:summarize',
  'after-start:knime',
  'step-started:summarize',
  'step-ended:summarize',
  'step-starting:load-warehouse',
  'after-submit:oozie',
  'step-started:load-warehouse',
  'step-ended:load-warehouse',
  'step-starting:report',
  'after-queue:alteryx',
  'step-started:report',
  'step-ended:report',
  'step-started:manifest',
];

interface CrashCase {
  name: string;
  crashAt?: string;
  killAfterMs?: number;
}

function casesToRun(): CrashCase[] {
  const wanted = process.env.KNIMECTL_CRASH_POINTS;
  if (wanted === undefined) return DEFAULT_POINTS.map((point) => ({ name: point, crashAt: point }));

  const cases: CrashCase[] = ALL_EXACT_POINTS.slice(0, Number(wanted)).map((point) => ({
    name: point,
    crashAt: point,
  }));
  // Timed kills spread over a run of about 2.5 s, in a fixed order.
  for (let i = 0; cases.length < Number(wanted); i++) {
    const killAfterMs = 100 + ((i * 419) % 2600);
    cases.push({ name: `timed ${killAfterMs}ms`, killAfterMs });
  }
  return cases;
}

interface Simulators {
  knime: RunningServerSimulator;
  oozie: RunningOozieSimulator;
  alteryx: RunningAlteryxSimulator;
  close(): Promise<void>;
}

async function startSimulators(): Promise<Simulators> {
  const oozieOptions = await loadOozieSimulatorConfig(path.join(exampleDir, 'oozie-simulator.json'));
  const workflows = await loadAlteryxWorkflowsFile(path.join(exampleDir, 'alteryx-workflows.yaml'));
  const knime = await startServerSimulator({
    workspace: path.join(repoDir, 'demo', 'workspace'),
    timeScale: 20,
  });
  const oozie = await startOozieSimulator({ ...oozieOptions, clock: new RealClock(1) });
  const alteryx = await startAlteryxSimulator({ workflows, clock: new RealClock(1) });
  return {
    knime,
    oozie,
    alteryx,
    async close() {
      await Promise.all([knime.close(), oozie.close(), alteryx.close()]);
    },
  };
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
}

function runDriver(driver: string, args: string[], options: { crashAt?: string; killAfterMs?: number }) {
  return new Promise<ChildResult>((resolve, reject) => {
    // The child runs in the checkout, so that `--import tsx` and the sources resolve.
    const child = spawn(process.execPath, ['--import', 'tsx', driver, ...args], {
      cwd: repoDir,
      env: { ...process.env, CRASH_AT: options.crashAt ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    let timer: NodeJS.Timeout | undefined;
    if (options.killAfterMs !== undefined) {
      // Counted from the first event, so the start-up time of the child does not matter.
      child.stdout.once('data', () => {
        timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      if (code !== 0 && signal === null) reject(new Error(`driver exited with ${code}: ${stderr}`));
      else resolve({ code, signal, lines });
    });
  });
}

function readOutcome(ledgerPath: string, runId: string): string | null {
  const ledger = Ledger.open(ledgerPath);
  try {
    return ledger.getRun(runId).outcome;
  } finally {
    ledger.close();
  }
}

describe('cross-system crash and resume', () => {
  it.each(casesToRun())(
    'no job runs twice after a kill at $name',
    async ({ crashAt, killAfterMs }) => {
      const work = createWorkDir();
      const simulators = await startSimulators();
      try {
        cpSync(exampleDir, work.dir, { recursive: true });
        const file = path.join(work.dir, 'pipeline.yaml');
        const driver = path.join(work.dir, 'driver.mts');
        writeFileSync(driver, driverSource(repoDir));
        const urls = [simulators.knime.url, simulators.oozie.url, simulators.alteryx.url];

        const first = await runDriver(driver, ['run', file, work.ledgerPath, ...urls], {
          crashAt,
          killAfterMs,
        });
        const started = first.lines.find((line) => line.type === 'run-started');
        expect(started, 'the child started the run').toBeDefined();
        const runId = String(started!.runId);
        if (crashAt !== undefined) expect(first.signal).toBe('SIGKILL');

        // A timed kill may land after the run ended, and then the ledger already contains the outcome.
        let outcome: unknown =
          first.lines.find((line) => line.type === 'result')?.outcome ?? readOutcome(work.ledgerPath, runId);
        let events = first.lines;
        if (outcome === null) {
          const resumed = await runDriver(driver, ['resume', runId, work.ledgerPath, ...urls], {});
          expect(resumed.lines.some((line) => line.type === 'run-started' && line.resumed === true)).toBe(
            true,
          );
          outcome = resumed.lines.find((line) => line.type === 'result')?.outcome;
          events = resumed.lines;

          const killedStep = crashAt === undefined ? undefined : ATTACH_POINTS[crashAt];
          if (killedStep !== undefined) {
            const attached = resumed.lines
              .filter((line) => line.type === 'step-attached')
              .map((line) => line.step);
            expect(attached).toContain(killedStep);
          }
        }
        expect(outcome, JSON.stringify(events, null, 1)).toBe('succeeded');

        const knimeStats = simulators.knime.simulator.stats;
        expect(Object.fromEntries(knimeStats.executionsByWorkflow)).toEqual({ '/Demo/Sales Report': 1 });
        expect(knimeStats.executionsStarted).toBe(1);
        expect(simulators.oozie.simulator.stats.submissions).toBe(1);
        expect(simulators.alteryx.simulator.stats.jobsQueued).toEqual({ [REPORT_ID]: 1 });

        const ledger = Ledger.open(work.ledgerPath);
        try {
          expect(ledger.checkConsistency()).toEqual([]);
          const steps = ledger.getSteps(runId);
          expect(steps.map((step) => step.name)).toEqual(STEPS);
          expect(steps.map((step) => step.state)).toEqual(STEPS.map(() => 'succeeded'));
          for (const step of steps) {
            const succeeded = ledger.getAttempts(runId, step.name).filter((a) => a.state === 'succeeded');
            expect(succeeded, `succeeded attempts of ${step.name}`).toHaveLength(1);
          }

          const [summarize, load, report, manifest] = steps;
          expect(report!.outputs!.jobId).toBe(simulators.alteryx.simulator.control.jobs()[0]!.id);
          expect(manifest!.outputs!.loadedRows).toBe('1');
          expect(load!.outputs!.jobId).toMatch(/-W$/);
          expect(summarize!.outputs!.jobId).toEqual(expect.any(String));
          expect(ledger.getRun(runId).outcome).toBe('succeeded');
        } finally {
          ledger.close();
        }
      } finally {
        await simulators.close();
        work.remove();
      }
    },
    60_000,
  );
});
