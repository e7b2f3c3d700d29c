import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PipelineParamError,
  RunAlreadySucceededError,
  RunNotFoundError,
  RunNotResumableError,
} from '../../src/pipeline/errors.js';
import { Ledger } from '../../src/pipeline/ledger/ledger.js';
import { loadPipeline } from '../../src/pipeline/load.js';
import { listRuns, pipelineGraph, runStatus } from '../../src/pipeline/queries.js';
import { resumeRun, runKeyFor, runPipeline } from '../../src/pipeline/runner.js';
import { createWorkDir, EventLog, type WorkDir } from './support/workdir.js';

let work: WorkDir;

beforeEach(() => {
  work = createWorkDir();
});

afterEach(() => {
  work.remove();
});

function sh(script: string): string {
  return `{ command: [sh, -c, ${JSON.stringify(script)}] }`;
}

function consistency(): string[] {
  const ledger = Ledger.open(work.ledgerPath);
  try {
    return ledger.checkConsistency();
  } finally {
    ledger.close();
  }
}

describe('runPipeline', () => {
  it('passes outputs and params between steps', async () => {
    const file = work.writePipeline(`
name: chain
params:
  day: { type: date }
  limit: { type: number, default: 5 }
steps:
  extract:
    kind: command
    with:
      command: [sh, -c, 'echo "rows=$((LIMIT * 2))" >> "$KNIMECTL_OUTPUT"; echo "day<<END" >> "$KNIMECTL_OUTPUT"; echo "$DAY" >> "$KNIMECTL_OUTPUT"; echo END >> "$KNIMECTL_OUTPUT"']
      env: { LIMIT: "\${{ params.limit }}", DAY: "day \${{ params.day }}" }
  load:
    kind: command
    needs: extract
    if: steps.extract.outcome == 'succeeded' && steps.extract.outputs.rows > 5
    with:
      command: [sh, -c, 'echo "loaded $ROWS rows for $DAY"']
      env: { ROWS: "\${{ steps.extract.outputs.rows }}", DAY: "\${{ steps.extract.outputs.day }}" }
`);
    const log = new EventLog();
    const result = await runPipeline(file, {
      params: { day: '2026-12-04' },
      ledgerPath: work.ledgerPath,
      onEvent: log.onEvent,
    });

    expect(result.steps.map((step) => step.error)).toEqual([null, null]);
    expect(result.outcome).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    const [extract, load] = result.steps;
    expect(extract!.outputs).toEqual({ exitCode: 0, stdout: '', rows: '10', day: 'day 2026-12-04' });
    expect(load!.outputs!.stdout).toBe('loaded 10 rows for day 2026-12-04');
    expect(log.events[0]!.type).toBe('run-started');
    expect(log.events.at(-1)!.type).toBe('run-ended');
    expect(consistency()).toEqual([]);
  });

  it('keeps only the end of a long stdout', async () => {
    const file = work.writePipeline(`steps:\n  chatty:\n    kind: command\n    with: ${sh('seq 1 20000')}\n`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    const stdout = String(result.steps[0]!.outputs!.stdout);
    expect(stdout.length).toBeLessThanOrEqual(4096);
    expect(stdout.endsWith('19999\n20000')).toBe(true);
  });

  it('starts a step when its own needs end', async () => {
    // slow ends only after after-fast has run, so a runner that waited for slow first would time out.
    const done = path.join(work.dir, 'after-fast.done');
    const file = work.writePipeline(`
steps:
  slow:
    kind: command
    timeout: 10s
    with:
      command: [sh, -c, 'while [ ! -e "$DONE" ]; do sleep 0.05; done']
      env: { DONE: "${done}" }
  fast:
    kind: command
    with: ${sh('true')}
  after-fast:
    kind: command
    needs: fast
    with:
      command: [sh, -c, 'touch "$DONE"']
      env: { DONE: "${done}" }
`);
    const log = new EventLog();
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath, onEvent: log.onEvent });
    expect(result.outcome).toBe('succeeded');
    expect(log.indexOf('step-ended', 'after-fast')).toBeLessThan(log.indexOf('step-ended', 'slow'));
  });

  it('limits concurrency to maxParallel', async () => {
    const steps = ['a', 'b', 'c', 'd', 'e']
      .map((name) => `  ${name}:\n    kind: command\n    with: ${sh('sleep 0.3')}\n`)
      .join('');
    const file = work.writePipeline(`steps:\n${steps}`);
    const log = new EventLog();
    const result = await runPipeline(file, {
      ledgerPath: work.ledgerPath,
      maxParallel: 2,
      onEvent: log.onEvent,
    });
    expect(result.outcome).toBe('succeeded');
    expect(log.maxConcurrent()).toBe(2);
  });

  it('skips dependents of a failed step and runs failure handlers', async () => {
    const file = work.writePipeline(`
steps:
  extract:
    kind: command
    with: ${sh('echo broken; exit 3')}
  transform:
    kind: command
    needs: extract
    with: ${sh('true')}
  report:
    kind: command
    needs: transform
    with: ${sh('true')}
  alert:
    kind: command
    needs: report
    if: failure()
    with: ${sh('echo alert')}
  always-runs:
    kind: command
    needs: extract
    if: always()
    with: ${sh('true')}
  only-on-success:
    kind: command
    needs: extract
    if: success()
    with: ${sh('true')}
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    const byName = Object.fromEntries(result.steps.map((step) => [step.name, step]));

    expect(result.outcome).toBe('failed');
    expect(result.exitCode).toBe(1);
    expect(byName.extract!.state).toBe('failed');
    expect(byName.extract!.error).toBe('command sh exited with code 3');
    expect(byName.extract!.outputs).toEqual({ exitCode: 3, stdout: 'broken' });
    expect(byName.transform!.state).toBe('skipped');
    expect(byName.transform!.skipReason).toBe('needs extract, which failed');
    expect(byName.report!.skipReason).toBe('needs transform, which was skipped');
    expect(byName.alert!.state).toBe('succeeded');
    expect(byName['always-runs']!.state).toBe('succeeded');
    expect(byName['only-on-success']!.skipReason).toBe('needs extract, which failed');
    expect(consistency()).toEqual([]);
  });

  it('lets dependents run after continue-on-error', async () => {
    const file = work.writePipeline(`
steps:
  optional:
    kind: command
    continue-on-error: true
    with: ${sh('exit 1')}
  next:
    kind: command
    needs: optional
    if: steps.optional.outcome == 'failed' && steps.optional.conclusion == 'succeeded'
    with: ${sh('true')}
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('succeeded');
    expect(result.steps.map((step) => [step.name, step.state, step.conclusion])).toEqual([
      ['optional', 'failed', 'succeeded'],
      ['next', 'succeeded', 'succeeded'],
    ]);
  });

  it('skips a step whose condition is false', async () => {
    const file = work.writePipeline(`
params:
  full: { type: boolean, default: false }
steps:
  backfill:
    kind: command
    if: params.full
    with: ${sh('exit 1')}
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[0]!.skipReason).toBe('if: params.full was false');
  });

  it('retries with backoff until an attempt succeeds', async () => {
    const counter = path.join(work.dir, 'count');
    const file = work.writePipeline(`
steps:
  flaky:
    kind: command
    retries: { max: 3, delay: 50ms, backoff: 2 }
    with:
      command: [sh, -c, 'n=$(cat "$COUNTER" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$COUNTER"; test $n -ge 3']
      env: { COUNTER: "${counter}" }
`);
    const log = new EventLog();
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath, onEvent: log.onEvent });
    expect(result.outcome).toBe('succeeded');
    expect(log.ofType('step-retrying').map((event) => [event.attempt, event.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
    expect(
      runStatus(result.runId, { ledgerPath: work.ledgerPath }).steps[0]!.attempts.map((a) => a.state),
    ).toEqual(['failed', 'failed', 'succeeded']);
  });

  it('gives up after the last retry', async () => {
    const file = work.writePipeline(`
steps:
  broken:
    kind: command
    retries: { max: 1, delay: 10ms }
    with: ${sh('exit 2')}
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('failed');
    expect(runStatus(result.runId, { ledgerPath: work.ledgerPath }).steps[0]!.attempts).toHaveLength(2);
  });

  it('times out a step and kills its process group', async () => {
    const pidFile = path.join(work.dir, 'grandchild.pid');
    const file = work.writePipeline(`
steps:
  hang:
    kind: command
    timeout: 1s
    with:
      command: [sh, -c, 'sleep 30 & echo $! > "$PID_FILE"; wait']
      env: { PID_FILE: "${pidFile}" }
      kill-after: 200ms
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('timed-out');
    expect(result.exitCode).toBe(5);
    expect(result.steps[0]!.state).toBe('timed-out');
    expect(result.steps[0]!.error).toBe('step hang timed out: its timeout of 1s (step clock) ran out');

    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => isAlive(grandchild), { timeout: 3000 }).toBe(false);
    expect(consistency()).toEqual([]);
  });

  it('fails a step that reads a missing output, naming step, path and position', async () => {
    const file = work.writePipeline(`
steps:
  extract:
    kind: command
    with: ${sh('echo "rows=1" >> "$KNIMECTL_OUTPUT"')}
  load:
    kind: command
    needs: extract
    with:
      command: [env]
      env: { TABLE: "\${{ steps.extract.outputs.table }}" }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    const load = result.steps[1]!;
    expect(load.state).toBe('failed');
    expect(load.error).toBe(
      `${file}:11:48: step load: steps.extract.outputs.table is not defined: step extract has no output "table" (its outputs: exitCode, stdout, rows)`,
    );
  });

  it('type-checks params', async () => {
    const file = work.writePipeline(
      `
params:
  day: { type: date }
  rows: { type: number, default: 1 }
steps:
  a: { kind: command, with: { command: [true] } }
`.replace('[true]', '[sh, -c, "true"]'),
    );
    await expect(
      runPipeline(file, { ledgerPath: work.ledgerPath, params: { day: '2026-13-01' } }),
    ).rejects.toThrow(PipelineParamError);
    await expect(
      runPipeline(file, {
        ledgerPath: work.ledgerPath,
        params: { day: '2026-12-04', rows: 'ten', colour: 'red' },
      }),
    ).rejects.toThrow(/unknown param colour.*\n.*param rows: "ten" is not a number/);
    await expect(runPipeline(file, { ledgerPath: work.ledgerPath })).rejects.toThrow(
      'param day (date) is required; pass --param day=<value>',
    );
  });

  it('refuses a silent re-run and allows an explicit one', async () => {
    const file = work.writePipeline(`steps:\n  a:\n    kind: command\n    with: ${sh('true')}\n`);
    const first = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(first.outcome).toBe('succeeded');
    await expect(runPipeline(file, { ledgerPath: work.ledgerPath })).rejects.toThrow(
      RunAlreadySucceededError,
    );
    const second = await runPipeline(file, { ledgerPath: work.ledgerPath, rerun: true });
    expect(second.outcome).toBe('succeeded');
    expect(second.runId).not.toBe(first.runId);
    expect(listRuns({ ledgerPath: work.ledgerPath }).map((run) => run.state)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('cancels on abort and resumes with a new attempt', async () => {
    const flag = path.join(work.dir, 'second-time');
    const file = work.writePipeline(`
steps:
  first:
    kind: command
    with: ${sh('echo "value=1" >> "$KNIMECTL_OUTPUT"')}
  long:
    kind: command
    needs: first
    with:
      command: [sh, -c, 'if [ -e "$FLAG" ]; then exit 0; fi; touch "$FLAG"; sleep 30']
      env: { FLAG: "${flag}" }
      kill-after: 200ms
  last:
    kind: command
    needs: long
    with:
      command: [sh, -c, 'echo "got $V"']
      env: { V: "\${{ steps.first.outputs.value }}" }
`);
    const controller = new AbortController();
    const log = new EventLog();
    const aborted = await runPipeline(file, {
      ledgerPath: work.ledgerPath,
      signal: controller.signal,
      onEvent: (event) => {
        log.onEvent(event);
        if (event.type !== 'step-started' || event.step !== 'long') return;
        // Abort once the program is really running, however slowly this machine starts it.
        const check = setInterval(() => {
          if (!existsSync(flag)) return;
          clearInterval(check);
          controller.abort(new Error('SIGINT'));
        }, 20);
      },
    });
    expect(aborted.outcome).toBe('cancelled');
    expect(aborted.exitCode).toBe(6);
    expect(aborted.steps.map((step) => step.state)).toEqual(['succeeded', 'cancelled', 'pending']);
    expect(existsSync(flag)).toBe(true);
    expect(consistency()).toEqual([]);

    const resumed = await resumeRun(aborted.runId, { ledgerPath: work.ledgerPath });
    expect(resumed.outcome).toBe('succeeded');
    expect(resumed.steps[2]!.outputs!.stdout).toBe('got 1');
    const status = runStatus(aborted.runId, { ledgerPath: work.ledgerPath });
    expect(status.run.resumedCount).toBe(1);
    expect(status.steps.map((step) => step.attempts.map((a) => a.state))).toEqual([
      ['succeeded'],
      ['cancelled', 'succeeded'],
      ['succeeded'],
    ]);
    expect(consistency()).toEqual([]);
  });

  it('times out the whole run at the pipeline timeout', async () => {
    const file = work.writePipeline(`
timeout: 400ms
steps:
  hang:
    kind: command
    with: { command: [sleep, '30'], kill-after: 100ms }
`);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('timed-out');
    expect(result.error).toBe('pipeline pipeline timed out: its timeout of 400ms (run clock) ran out');
  });
});

describe('wait steps', () => {
  it('waits for a file matching a glob', async () => {
    const file = work.writePipeline(`
steps:
  marker:
    kind: wait
    timeout: 5s
    poll-interval: 20ms
    with: { file: "inbox/**/crm-*.done" }
  use:
    kind: command
    needs: marker
    with:
      command: [sh, -c, 'echo "$P"']
      env: { P: "\${{ steps.marker.outputs.path }}" }
`);
    setTimeout(() => {
      const folder = path.join(work.dir, 'inbox', 'eu');
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'crm-2026-12-04.done'), '');
    }, 150);
    const result = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(result.outcome).toBe('succeeded');
    expect(result.steps[1]!.outputs!.stdout).toBe(path.join(work.dir, 'inbox', 'eu', 'crm-2026-12-04.done'));
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('queries', () => {
  it('draws the graph', async () => {
    const file = work.writePipeline(`
name: g
steps:
  a: { kind: command, with: { command: [echo] } }
  b-1: { kind: command, needs: a, with: { command: [echo] } }
`);
    expect(await pipelineGraph(file, 'mermaid')).toBe(
      'flowchart LR\n  a["a (command)"]\n  b_1["b-1 (command)"]\n  a --> b_1\n',
    );
    expect(await pipelineGraph(file, 'dot')).toBe(
      'digraph "g" {\n  rankdir=LR;\n  "a" [label="a\\n(command)"];\n  "b-1" [label="b-1\\n(command)"];\n  "a" -> "b-1";\n}\n',
    );
  });
});

describe('resumeRun', () => {
  it('fails an attempt it cannot resolve and keeps the ledger consistent', async () => {
    const file = work.writePipeline(`
steps:
  uses-env:
    kind: command
    with:
      command: [sh, -c, 'true']
      env: { M: "\${{ env.PIPELINE_MARKER }}" }
`);
    const pipeline = await loadPipeline(file);
    const ledger = Ledger.open(work.ledgerPath);
    ledger.createRun({
      id: 'crashed-run',
      pipelineName: pipeline.name,
      pipelinePath: pipeline.file,
      pipelineHash: pipeline.hash,
      params: {},
      runKey: runKeyFor(pipeline, {}),
      rerun: false,
      startedAt: Date.now(),
      deadlineAt: null,
      steps: [{ name: 'uses-env', kind: 'command' }],
    });
    ledger.setStepState('crashed-run', 'uses-env', { state: 'running', startedAt: Date.now() });
    ledger.recordIntent({
      runId: 'crashed-run',
      step: 'uses-env',
      number: 1,
      remoteSystem: 'local',
      intentAt: Date.now(),
      deadlineAt: null,
    });
    ledger.recordRemote(
      'crashed-run',
      'uses-env',
      1,
      { id: '4194305', details: { dir: work.dir } },
      Date.now(),
    );
    ledger.close();
    // The runner that owned the run is gone: pid 4194305 is above Linux's default pid range.
    new Database(work.ledgerPath).prepare('UPDATE runs SET owner_pid = 4194305').run();

    expect(listRuns({ ledgerPath: work.ledgerPath }).map((run) => [run.id, run.state])).toEqual([
      ['crashed-run', 'interrupted'],
    ]);
    expect(() => runStatus('no-such-run', { ledgerPath: work.ledgerPath })).toThrow(RunNotFoundError);

    const result = await resumeRun('crashed-run', { ledgerPath: work.ledgerPath, env: {} });
    expect(result.outcome).toBe('failed');
    expect(result.steps[0]!.error).toContain('environment variable PIPELINE_MARKER is not set');
    expect(result.steps[0]!.error).toContain(
      'remote work 4194305 of the earlier runner was not re-attached and may still run',
    );
    expect(consistency()).toEqual([]);
  });

  it('rejects a run whose pipeline file changed', async () => {
    const file = work.writePipeline(`steps:\n  a:\n    kind: command\n    with: ${sh('exit 1')}\n`);
    const first = await runPipeline(file, { ledgerPath: work.ledgerPath });
    expect(first.outcome).toBe('failed');

    work.writePipeline(`steps:\n  a:\n    kind: command\n    with: ${sh('true')}\n`);
    await expect(resumeRun(first.runId, { ledgerPath: work.ledgerPath })).rejects.toThrow(
      RunNotResumableError,
    );
    const resumed = await resumeRun(first.runId, { ledgerPath: work.ledgerPath, allowChangedPipeline: true });
    expect(resumed.outcome).toBe('succeeded');
    await expect(resumeRun(first.runId, { ledgerPath: work.ledgerPath })).rejects.toThrow(
      'already succeeded',
    );
  });
});
