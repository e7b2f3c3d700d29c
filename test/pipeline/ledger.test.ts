import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LedgerVersionError,
  RunAlreadySucceededError,
  RunInProgressError,
  RunNotFoundError,
} from '../../src/pipeline/errors.js';
import { Ledger, type NewRun } from '../../src/pipeline/ledger/ledger.js';
import { MIGRATIONS } from '../../src/pipeline/ledger/migrations.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'knimectl-ledger-'));
  file = path.join(dir, 'nested', 'ledger.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    id: 'run-1',
    pipelineName: 'nightly',
    pipelinePath: '/pipelines/nightly.yaml',
    pipelineHash: 'abc',
    params: { date: '2026-12-04' },
    runKey: 'nightly:key-1',
    rerun: false,
    startedAt: 1_000,
    deadlineAt: null,
    steps: [
      { name: 'extract', kind: 'command' },
      { name: 'load', kind: 'command' },
    ],
    ...overrides,
  };
}

describe('ledger', () => {
  it('creates the file with WAL mode and migrations', () => {
    const ledger = Ledger.open(file);
    expect(ledger.appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.version));
    ledger.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT name FROM schema_migrations').all()).toHaveLength(MIGRATIONS.length);
    db.close();
  });

  it('reopens without applying migrations twice', () => {
    Ledger.open(file).close();
    const ledger = Ledger.open(file);
    expect(ledger.appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.version));
    ledger.close();
  });

  it('rejects a ledger from a newer version', () => {
    Ledger.open(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      999,
      'future',
      0,
    );
    db.close();
    expect(() => Ledger.open(file)).toThrow(LedgerVersionError);
    expect(() => Ledger.open(file)).toThrow('schema version 999');
  });

  it('records runs, steps and attempts', () => {
    const ledger = Ledger.open(file);
    const run = ledger.createRun(newRun());
    expect(run.ownerPid).toBe(process.pid);
    expect(run.params).toEqual({ date: '2026-12-04' });
    expect(ledger.getSteps('run-1').map((s) => [s.name, s.state])).toEqual([
      ['extract', 'pending'],
      ['load', 'pending'],
    ]);

    ledger.recordIntent({
      runId: 'run-1',
      step: 'extract',
      number: 1,
      remoteSystem: 'knime',
      intentAt: 2_000,
      deadlineAt: 9_000,
    });
    let [attempt] = ledger.getAttempts('run-1', 'extract');
    expect(attempt!.state).toBe('starting');
    expect(attempt!.remote).toBeNull();
    expect(attempt!.deadlineAt).toBe(9_000);

    ledger.recordRemote('run-1', 'extract', 1, { id: 'job-7', details: { workflow: '/a' } }, 2_100);
    [attempt] = ledger.getAttempts('run-1', 'extract');
    expect(attempt!.state).toBe('running');
    expect(attempt!.remote).toEqual({ id: 'job-7', details: { workflow: '/a' } });

    ledger.finishAttempt('run-1', 'extract', 1, { state: 'succeeded', endedAt: 3_000, outputs: { rows: 5 } });
    ledger.setStepState('run-1', 'extract', {
      state: 'succeeded',
      conclusion: 'succeeded',
      outputs: { rows: 5 },
      endedAt: 3_000,
    });
    ledger.setStepState('run-1', 'load', {
      state: 'skipped',
      conclusion: 'skipped',
      skipReason: 'if: false was false',
      endedAt: 3_000,
    });
    ledger.finishRun('run-1', 'succeeded', 3_100, null);

    expect(ledger.getRun('run-1').outcome).toBe('succeeded');
    expect(ledger.getSteps('run-1')[0]!.outputs).toEqual({ rows: 5 });
    expect(ledger.checkConsistency()).toEqual([]);
    ledger.close();
  });

  it('guards a run key against a second unfinished run', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    expect(() => ledger.createRun(newRun({ id: 'run-2' }))).toThrow(RunInProgressError);
    expect(() => ledger.createRun(newRun({ id: 'run-2', rerun: true }))).toThrow(RunInProgressError);
    ledger.createRun(newRun({ id: 'run-3', runKey: 'nightly:other-params' }));
    expect(
      ledger
        .listRuns()
        .map((r) => r.id)
        .sort(),
    ).toEqual(['run-1', 'run-3']);
    ledger.close();
  });

  it('names resume for an interrupted run', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    // A dead owner: pid 2^22 + 1 exceeds Linux's default pid_max range in use.
    new Database(file).prepare('UPDATE runs SET owner_pid = ?').run(4_194_305);
    expect(() => ledger.createRun(newRun({ id: 'run-2' }))).toThrow('knimectl pipeline resume run-1');
    ledger.close();
  });

  it('refuses a silent re-run of a succeeded run', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    ledger.finishRun('run-1', 'succeeded', 5_000, null);
    expect(() => ledger.createRun(newRun({ id: 'run-2' }))).toThrow(RunAlreadySucceededError);
    expect(() => ledger.createRun(newRun({ id: 'run-2' }))).toThrow('pass --rerun');
    expect(ledger.createRun(newRun({ id: 'run-2', rerun: true })).rerun).toBe(true);
    ledger.close();
  });

  it('allows a new run after a failed one', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    ledger.finishRun('run-1', 'failed', 5_000, 'step extract failed');
    expect(ledger.createRun(newRun({ id: 'run-2' })).id).toBe('run-2');
    ledger.close();
  });

  it('claims a run for resume and counts it', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    ledger.finishRun('run-1', 'cancelled', 5_000, 'run cancelled');
    const claimed = ledger.claimRun('run-1');
    expect(claimed.outcome).toBeNull();
    expect(claimed.endedAt).toBeNull();
    expect(claimed.resumedCount).toBe(1);
    ledger.close();
  });

  it('refuses to resume a run another live process owns', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    // The parent of this test process is alive and is not this process.
    new Database(file).prepare('UPDATE runs SET owner_pid = ?').run(process.ppid);
    expect(() => ledger.claimRun('run-1')).toThrow('cannot be resumed twice');
    ledger.close();
  });

  it('reports an unknown run id', () => {
    const ledger = Ledger.open(file);
    expect(() => ledger.getRun('nope')).toThrow(RunNotFoundError);
    expect(() => ledger.getRun('nope')).toThrow('knimectl pipeline runs');
    ledger.close();
  });

  it('finds inconsistent records', () => {
    const ledger = Ledger.open(file);
    ledger.createRun(newRun());
    ledger.recordIntent({
      runId: 'run-1',
      step: 'extract',
      number: 1,
      remoteSystem: 'local',
      intentAt: 1,
      deadlineAt: null,
    });
    ledger.setStepState('run-1', 'load', { state: 'succeeded', conclusion: 'succeeded' });
    ledger.finishRun('run-1', 'failed', 10, null);
    const problems = ledger.checkConsistency();
    expect(problems).toContain('run run-1 ended but attempt 1 of step extract is still starting');
    expect(problems).toContain('step load in run run-1 succeeded without a succeeded attempt');
    ledger.close();
  });

  it('shares the file between two connections', () => {
    const writer = Ledger.open(file);
    const reader = Ledger.open(file, { busyTimeoutMs: 1000 });
    writer.createRun(newRun());
    expect(reader.getRun('run-1').pipelineName).toBe('nightly');
    writer.close();
    reader.close();
  });
});
