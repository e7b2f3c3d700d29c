/**
 * Crash test: a child process runs a pipeline of KNIME and command steps against a loopback Server
 * simulator owned by this process and is killed with SIGKILL at one point per case; a new child then
 * resumes the run. No workflow may execute twice, no command may run twice, and the ledger must stay
 * consistent. KNIMECTL_CRASH_POINTS=N adds timed kills up to N cases (default: the exact points only).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/pipeline/ledger/ledger.js';
import { startServerSimulator } from '../../src/simulator/index.js';
import { workspaceWithOpenApi } from '../library/simulator.js';
import { createWorkDir } from './support/workdir.js';

const driver = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'crash-driver.ts');

const WORKFLOWS = {
  '/Crash/Extract': {
    outputs: [{ shortName: 'rows', nodeIdPath: '2', example: 0 }],
    simulation: { loadMs: 50, durationMs: 200, outputs: { rows: { value: 1250 } } },
  },
  '/Crash/Transform': {
    inputs: [{ shortName: 'rows', nodeIdPath: '1', example: 0 }],
    outputs: [{ shortName: 'total', nodeIdPath: '2', example: 0 }],
    simulation: { loadMs: 50, durationMs: 200, outputs: { total: { fromInput: 'rows' } } },
  },
};

/** Builds the pipeline under test: two KNIME workflows and two commands that log each invocation. */
function pipelineText(log: string): string {
  const logged = (name: string, extra: string) =>
    `[sh, -c, 'echo "${name} $KNIMECTL_RUN_ID $KNIMECTL_ATTEMPT" >> "$LOG"; sleep 0.2; ${extra}']`;
  return `
name: crash
steps:
  extract:
    kind: knime
    with: { connection: sim, workflow: /Crash/Extract }
  stage:
    kind: command
    with:
      command: ${logged('stage', 'echo "files=3" >> "$KNIMECTL_OUTPUT"')}
      env: { LOG: "${log}" }
  transform:
    kind: knime
    needs: [extract, stage]
    with:
      connection: sim
      workflow: /Crash/Transform
      inputs: { rows: "\${{ steps.extract.outputs.rows }}" }
  report:
    kind: command
    needs: transform
    with:
      command: ${logged('report', 'echo "total=$TOTAL" >> "$KNIMECTL_OUTPUT"')}
      env: { LOG: "${log}", TOTAL: "\${{ steps.transform.outputs.total }}" }
`;
}

/** Exact kill points: after an intent, after a recorded job id or pid, after a step ended, and after a job was created but not recorded. */
const EXACT_POINTS = [
  'step-starting:extract',
  'step-started:extract',
  'after-start-request:/Crash/Extract',
  'step-starting:stage',
  'step-started:stage',
  'step-ended:extract',
  'step-starting:transform',
  'after-start-request:/Crash/Transform',
  'step-started:transform',
  'step-started:report',
];

function casesToRun(): { name: string; crashAt?: string; killAfterMs?: number }[] {
  const cases: { name: string; crashAt?: string; killAfterMs?: number }[] = EXACT_POINTS.map((point) => ({
    name: point,
    crashAt: point,
  }));
  const wanted = Number(process.env.KNIMECTL_CRASH_POINTS ?? cases.length);
  // Timed kills spread over the run (about 2 s in total), in a fixed order.
  for (let i = 0; cases.length < wanted; i++) {
    const killAfterMs = 150 + ((i * 337) % 2200);
    cases.push({ name: `timed ${killAfterMs}ms`, killAfterMs });
  }
  return cases;
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
}

function runDriver(
  args: string[],
  options: { crashAt?: string; killAfterMs?: number; cwd: string },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', driver, ...args], {
      cwd: path.resolve(path.dirname(driver), '../../..'),
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

/** Step that a resumed run must re-attach to after a kill at `crashAt`, if the kill point implies one. */
function attachedStepFor(crashAt: string | undefined): string | undefined {
  if (crashAt?.startsWith('step-started:')) return crashAt.slice('step-started:'.length);
  if (crashAt === 'after-start-request:/Crash/Extract') return 'extract';
  if (crashAt === 'after-start-request:/Crash/Transform') return 'transform';
  return undefined;
}

function readOutcome(ledgerPath: string, runId: string): string | null {
  const ledger = Ledger.open(ledgerPath);
  try {
    return ledger.getRun(runId).outcome;
  } finally {
    ledger.close();
  }
}

describe('crash and resume', () => {
  it.each(casesToRun())(
    'no step runs twice after a kill at $name',
    async ({ crashAt, killAfterMs }) => {
      const work = createWorkDir();
      const server = await startServerSimulator({ workspace: workspaceWithOpenApi(WORKFLOWS), timeScale: 1 });
      try {
        const log = path.join(work.dir, 'invocations.log');
        appendFileSync(log, '');
        const file = work.writePipeline(pipelineText(log));

        const first = await runDriver(['run', file, work.ledgerPath, server.url], {
          crashAt,
          killAfterMs,
          cwd: work.dir,
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
          const resumed = await runDriver(['resume', runId, work.ledgerPath, server.url], { cwd: work.dir });
          expect(resumed.lines.some((line) => line.type === 'run-started' && line.resumed === true)).toBe(
            true,
          );
          outcome = resumed.lines.find((line) => line.type === 'result')?.outcome;
          events = resumed.lines;

          // A kill after a recorded job id or pid, or after a created job, must lead to a re-attach.
          const killedStep = attachedStepFor(crashAt);
          if (killedStep !== undefined) {
            const attached = resumed.lines
              .filter((line) => line.type === 'step-attached')
              .map((line) => line.step);
            expect(attached).toContain(killedStep);
          }
        }
        expect(outcome, JSON.stringify(events, null, 1)).toBe('succeeded');

        const stats = server.simulator.stats;
        expect(Object.fromEntries(stats.executionsByWorkflow)).toEqual({
          '/Crash/Extract': 1,
          '/Crash/Transform': 1,
        });
        // A job created but never executed before the kill is discarded on resume, so only executions count.
        expect(stats.executionsStarted).toBe(2);

        const invocations = readFileSync(log, 'utf8').trim().split('\n');
        expect(invocations.map((line) => line.split(' ')[0]).sort()).toEqual(['report', 'stage']);
        expect(invocations.every((line) => line.split(' ')[1] === runId)).toBe(true);

        const ledger = Ledger.open(work.ledgerPath);
        try {
          expect(ledger.checkConsistency()).toEqual([]);
          const steps = ledger.getSteps(runId);
          expect(steps.map((step) => step.state)).toEqual([
            'succeeded',
            'succeeded',
            'succeeded',
            'succeeded',
          ]);
          expect(steps[3]!.outputs!.total).toBe('1250');
          for (const step of steps) {
            const succeeded = ledger.getAttempts(runId, step.name).filter((a) => a.state === 'succeeded');
            expect(succeeded, `succeeded attempts of ${step.name}`).toHaveLength(1);
          }
          expect(ledger.getRun(runId).outcome).toBe('succeeded');
        } finally {
          ledger.close();
        }
      } finally {
        await server.close();
        work.remove();
      }
    },
    60_000,
  );
});
