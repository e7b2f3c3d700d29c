/**
 * The run ledger: a SQLite file recording every run, step and attempt, so a crashed runner can be
 * resumed without losing or repeating a step. Every write is one short transaction; the file uses WAL
 * mode and a busy timeout so `runs`/`status` readers and a runner can share it.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  LedgerVersionError,
  RunAlreadySucceededError,
  RunInProgressError,
  RunNotFoundError,
} from '../errors.js';
import type { JsonValue, RemoteRef, StepOutputs } from '../steps/types.js';
import { MIGRATIONS } from './migrations.js';

/** Default ledger location, relative to the working directory. */
export const DEFAULT_LEDGER_PATH = path.join('.knimectl', 'ledger.db');

export type RunOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled';
export type StepState =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed-out'
  | 'cancelled'
  | 'skipped';
export type AttemptState =
  | 'starting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'timed-out'
  | 'cancelled'
  | 'abandoned';

export interface RunRecord {
  readonly id: string;
  readonly pipelineName: string;
  readonly pipelinePath: string;
  readonly pipelineHash: string;
  readonly params: Record<string, JsonValue>;
  readonly runKey: string;
  readonly rerun: boolean;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly deadlineAt: number | null;
  readonly outcome: RunOutcome | null;
  readonly error: string | null;
  readonly ownerPid: number | null;
  readonly ownerHost: string | null;
  readonly resumedCount: number;
}

export interface StepRecord {
  readonly runId: string;
  readonly name: string;
  readonly position: number;
  readonly kind: string;
  readonly state: StepState;
  readonly conclusion: string | null;
  readonly skipReason: string | null;
  readonly outputs: StepOutputs | null;
  readonly error: string | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
}

export interface AttemptRecord {
  readonly runId: string;
  readonly step: string;
  readonly number: number;
  readonly state: AttemptState;
  readonly remoteSystem: string;
  readonly remote: RemoteRef | null;
  readonly intentAt: number;
  readonly startedAt: number | null;
  readonly deadlineAt: number | null;
  readonly endedAt: number | null;
  readonly outputs: StepOutputs | null;
  readonly error: string | null;
}

interface RunRow {
  id: string;
  pipeline_name: string;
  pipeline_path: string;
  pipeline_hash: string;
  params_json: string;
  run_key: string;
  rerun: number;
  started_at: number;
  ended_at: number | null;
  deadline_at: number | null;
  outcome: RunOutcome | null;
  error: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  resumed_count: number;
}

interface StepRow {
  run_id: string;
  name: string;
  position: number;
  kind: string;
  state: StepState;
  conclusion: string | null;
  skip_reason: string | null;
  outputs_json: string | null;
  error: string | null;
  started_at: number | null;
  ended_at: number | null;
}

interface AttemptRow {
  run_id: string;
  step: string;
  number: number;
  state: AttemptState;
  remote_system: string;
  remote_id: string | null;
  remote_json: string | null;
  intent_at: number;
  started_at: number | null;
  deadline_at: number | null;
  ended_at: number | null;
  outputs_json: string | null;
  error: string | null;
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    pipelineName: row.pipeline_name,
    pipelinePath: row.pipeline_path,
    pipelineHash: row.pipeline_hash,
    params: JSON.parse(row.params_json) as Record<string, JsonValue>,
    runKey: row.run_key,
    rerun: row.rerun === 1,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    deadlineAt: row.deadline_at,
    outcome: row.outcome,
    error: row.error,
    ownerPid: row.owner_pid,
    ownerHost: row.owner_host,
    resumedCount: row.resumed_count,
  };
}

function toStep(row: StepRow): StepRecord {
  return {
    runId: row.run_id,
    name: row.name,
    position: row.position,
    kind: row.kind,
    state: row.state,
    conclusion: row.conclusion,
    skipReason: row.skip_reason,
    outputs: parseJson<StepOutputs>(row.outputs_json),
    error: row.error,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    runId: row.run_id,
    step: row.step,
    number: row.number,
    state: row.state,
    remoteSystem: row.remote_system,
    remote:
      row.remote_id === null ? null : { id: row.remote_id, details: parseJson(row.remote_json) ?? undefined },
    intentAt: row.intent_at,
    startedAt: row.started_at,
    deadlineAt: row.deadline_at,
    endedAt: row.ended_at,
    outputs: parseJson<StepOutputs>(row.outputs_json),
    error: row.error,
  };
}

export interface LedgerOptions {
  /** Milliseconds SQLite waits for a lock held by another process. @default 5000 */
  readonly busyTimeoutMs?: number;
}

/** Tells whether process `pid` on this host is alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Describes who owns an unfinished run and whether that process still lives. NOTE: a run owned by a
 * process on another host is always taken as live, because its pid cannot be checked from here.
 */
export function describeOwner(run: RunRecord): { alive: boolean; text: string } {
  if (run.ownerPid === null) return { alive: false, text: 'no runner' };
  if (run.ownerHost !== hostname()) {
    return { alive: true, text: `runner pid ${run.ownerPid} on host ${run.ownerHost}` };
  }
  const alive = run.ownerPid !== process.pid && isProcessAlive(run.ownerPid);
  return { alive, text: `runner pid ${run.ownerPid}${alive ? '' : ' (no longer running)'}` };
}

export interface NewRun {
  readonly id: string;
  readonly pipelineName: string;
  readonly pipelinePath: string;
  readonly pipelineHash: string;
  readonly params: Record<string, JsonValue>;
  readonly runKey: string;
  readonly rerun: boolean;
  readonly startedAt: number;
  readonly deadlineAt: number | null;
  readonly steps: readonly { name: string; kind: string }[];
}

/** Filters of {@link Ledger.listRuns}. */
export interface RunFilter {
  readonly pipelineName?: string;
  /** Maximum number of runs, newest first. @default 50 */
  readonly limit?: number;
}

export class Ledger {
  readonly path: string;
  readonly #db: Database.Database;
  /** Prepared statements by SQL text, so each is compiled once per open ledger. */
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(file: string, db: Database.Database) {
    this.path = file;
    this.#db = db;
  }

  /**
   * Opens (and creates) the ledger at `file`, creating its folder and applying pending migrations.
   * Throws {@link LedgerVersionError} when the file has migrations this version does not know.
   */
  static open(file: string, options: LedgerOptions = {}): Ledger {
    const absolute = path.resolve(file);
    mkdirSync(path.dirname(absolute), { recursive: true });
    const db = new Database(absolute);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      migrate(db, absolute);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Ledger(absolute, db);
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }

  /** Returns the prepared statement for `sql`, compiling it on first use. */
  #prepare<Params extends unknown[] | object = unknown[], Row = unknown>(
    sql: string,
  ): Database.Statement<Params, Row> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Params, Row>;
  }

  /** Versions of the applied migrations, in order. */
  appliedMigrations(): number[] {
    return this.#prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      .all()
      .map((row) => row.version);
  }

  /**
   * Creates a run with all its steps pending, owned by this process. Throws
   * {@link RunInProgressError} when an unfinished run has the same run key, and
   * {@link RunAlreadySucceededError} when one succeeded and `rerun` is false.
   */
  createRun(run: NewRun): RunRecord {
    const create = this.#db.transaction(() => {
      const active = this.#prepare<[string], RunRow>(
        'SELECT * FROM runs WHERE run_key = ? AND ended_at IS NULL',
      ).get(run.runKey);
      if (active) {
        const owner = describeOwner(toRun(active));
        throw new RunInProgressError(
          owner.alive
            ? `run ${active.id} of pipeline ${active.pipeline_name} with the same params is in progress (${owner.text}); wait for it to end`
            : `run ${active.id} of pipeline ${active.pipeline_name} with the same params was interrupted (${owner.text}); resume it with: knimectl pipeline resume ${active.id}`,
          active.id,
        );
      }

      if (!run.rerun) {
        const done = this.#prepare<[string], RunRow>(
          "SELECT * FROM runs WHERE run_key = ? AND outcome = 'succeeded' ORDER BY started_at DESC LIMIT 1",
        ).get(run.runKey);
        if (done) {
          throw new RunAlreadySucceededError(
            `run ${done.id} of pipeline ${done.pipeline_name} with the same params already succeeded at ${new Date(done.ended_at!).toISOString()}; pass --rerun to run it again`,
            done.id,
          );
        }
      }

      this.#prepare(
        `INSERT INTO runs (id, pipeline_name, pipeline_path, pipeline_hash, params_json, run_key, rerun,
             started_at, deadline_at, owner_pid, owner_host)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        run.id,
        run.pipelineName,
        run.pipelinePath,
        run.pipelineHash,
        JSON.stringify(run.params),
        run.runKey,
        run.rerun ? 1 : 0,
        run.startedAt,
        run.deadlineAt,
        process.pid,
        hostname(),
      );
      const insertStep = this.#prepare(
        "INSERT INTO steps (run_id, name, position, kind, state) VALUES (?, ?, ?, ?, 'pending')",
      );
      for (const [position, step] of run.steps.entries()) {
        insertStep.run(run.id, step.name, position, step.kind);
      }
    });
    create.immediate();
    return this.getRun(run.id);
  }

  /**
   * Takes over an unfinished or ended run for `resumeRun`: sets this process as its owner and clears
   * its outcome. Throws {@link RunInProgressError} when a live process owns it or another run with the
   * same run key is unfinished.
   */
  claimRun(id: string): RunRecord {
    const claim = this.#db.transaction(() => {
      const run = this.getRun(id);
      if (run.endedAt === null) {
        const owner = describeOwner(run);
        if (owner.alive) {
          throw new RunInProgressError(
            `run ${id} is in progress (${owner.text}); it cannot be resumed twice`,
            id,
          );
        }
      } else {
        const active = this.#prepare<[string, string], { id: string }>(
          'SELECT id FROM runs WHERE run_key = ? AND ended_at IS NULL AND id <> ?',
        ).get(run.runKey, id);
        if (active) {
          throw new RunInProgressError(
            `run ${active.id} of the same pipeline and params is unfinished; resume that run instead: knimectl pipeline resume ${active.id}`,
            active.id,
          );
        }
      }
      this.#prepare(
        `UPDATE runs SET owner_pid = ?, owner_host = ?, ended_at = NULL, outcome = NULL, error = NULL,
             resumed_count = resumed_count + 1 WHERE id = ?`,
      ).run(process.pid, hostname(), id);
    });
    claim.immediate();
    return this.getRun(id);
  }

  /** Returns the run `id`; throws {@link RunNotFoundError} when the ledger has none. */
  getRun(id: string): RunRecord {
    const row = this.#prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?').get(id);
    if (!row)
      throw new RunNotFoundError(
        `run ${id} not found in ledger ${this.path}; list runs with: knimectl pipeline runs`,
      );
    return toRun(row);
  }

  /** Runs, newest first. */
  listRuns(filter: RunFilter = {}): RunRecord[] {
    const limit = filter.limit ?? 50;
    const rows =
      filter.pipelineName === undefined
        ? this.#prepare<[number], RunRow>('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(
            limit,
          )
        : this.#prepare<[string, number], RunRow>(
            'SELECT * FROM runs WHERE pipeline_name = ? ORDER BY started_at DESC, id DESC LIMIT ?',
          ).all(filter.pipelineName, limit);
    return rows.map(toRun);
  }

  getSteps(runId: string): StepRecord[] {
    return this.#prepare<[string], StepRow>('SELECT * FROM steps WHERE run_id = ? ORDER BY position')
      .all(runId)
      .map(toStep);
  }

  getAttempts(runId: string, step?: string): AttemptRecord[] {
    const rows =
      step === undefined
        ? this.#prepare<[string], AttemptRow>(
            'SELECT * FROM attempts WHERE run_id = ? ORDER BY step, number',
          ).all(runId)
        : this.#prepare<[string, string], AttemptRow>(
            'SELECT * FROM attempts WHERE run_id = ? AND step = ? ORDER BY number',
          ).all(runId, step);
    return rows.map(toAttempt);
  }

  /** Sets a step's state and result fields; a null `startedAt` keeps the recorded start time. */
  setStepState(
    runId: string,
    name: string,
    change: {
      state: StepState;
      conclusion?: string | null;
      skipReason?: string | null;
      outputs?: StepOutputs | null;
      error?: string | null;
      startedAt?: number | null;
      endedAt?: number | null;
    },
  ): void {
    const result = this.#prepare(
      `UPDATE steps SET state = ?, conclusion = ?, skip_reason = ?, outputs_json = ?, error = ?,
           started_at = COALESCE(?, started_at), ended_at = ?
         WHERE run_id = ? AND name = ?`,
    ).run(
      change.state,
      change.conclusion ?? null,
      change.skipReason ?? null,
      change.outputs == null ? null : JSON.stringify(change.outputs),
      change.error ?? null,
      change.startedAt ?? null,
      change.endedAt ?? null,
      runId,
      name,
    );
    if (result.changes !== 1)
      throw new RunNotFoundError(`step ${name} of run ${runId} not found in the ledger`);
  }

  /**
   * Records the intent to start attempt `number` of a step, before the step kind's `start` is called.
   * A resumed run finds such an attempt without a remote reference and reconciles it.
   */
  recordIntent(attempt: {
    runId: string;
    step: string;
    number: number;
    remoteSystem: string;
    intentAt: number;
    deadlineAt: number | null;
  }): void {
    this.#prepare(
      `INSERT INTO attempts (run_id, step, number, state, remote_system, intent_at, deadline_at)
         VALUES (?, ?, ?, 'starting', ?, ?, ?)`,
    ).run(
      attempt.runId,
      attempt.step,
      attempt.number,
      attempt.remoteSystem,
      attempt.intentAt,
      attempt.deadlineAt,
    );
  }

  /** Records the remote reference of a started attempt; called before anything waits on it. */
  recordRemote(runId: string, step: string, number: number, remote: RemoteRef, startedAt: number): void {
    this.#prepare(
      `UPDATE attempts SET state = 'running', remote_id = ?, remote_json = ?, started_at = ?
         WHERE run_id = ? AND step = ? AND number = ?`,
    ).run(
      remote.id,
      remote.details === undefined ? null : JSON.stringify(remote.details),
      startedAt,
      runId,
      step,
      number,
    );
  }

  /** Records how an attempt ended. */
  finishAttempt(
    runId: string,
    step: string,
    number: number,
    end: { state: AttemptState; endedAt: number; outputs?: StepOutputs | null; error?: string | null },
  ): void {
    this.#prepare(
      `UPDATE attempts SET state = ?, ended_at = ?, outputs_json = ?, error = ?
         WHERE run_id = ? AND step = ? AND number = ?`,
    ).run(
      end.state,
      end.endedAt,
      end.outputs == null ? null : JSON.stringify(end.outputs),
      end.error ?? null,
      runId,
      step,
      number,
    );
  }

  /** Runs `work` in one immediate transaction, so related writes land together or not at all. */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  /** Records the end of a run and releases its run key. */
  finishRun(runId: string, outcome: RunOutcome, endedAt: number, error: string | null): void {
    this.#prepare('UPDATE runs SET outcome = ?, ended_at = ?, error = ? WHERE id = ?').run(
      outcome,
      endedAt,
      error,
      runId,
    );
  }

  /**
   * Lists inconsistencies in the ledger: attempts without a step, ended runs with unfinished steps or
   * attempts, steps running without a running attempt. Used by tests and `status` checks.
   */
  checkConsistency(): string[] {
    const problems: string[] = [];
    const query = (sql: string) => this.#prepare<[], Record<string, unknown>>(sql).all();

    for (const row of query(
      `SELECT r.id, s.name, s.state FROM runs r JOIN steps s ON s.run_id = r.id
       WHERE r.ended_at IS NOT NULL AND s.state = 'running'`,
    )) {
      problems.push(`run ${row.id} ended but step ${row.name} is still ${row.state}`);
    }
    for (const row of query(
      `SELECT r.id, a.step, a.number, a.state FROM runs r JOIN attempts a ON a.run_id = r.id
       WHERE r.ended_at IS NOT NULL AND a.state IN ('starting', 'running')`,
    )) {
      problems.push(
        `run ${row.id} ended but attempt ${row.number} of step ${row.step} is still ${row.state}`,
      );
    }
    for (const row of query(
      `SELECT run_id, step, number FROM attempts WHERE state IN ('running', 'succeeded', 'failed') AND remote_id IS NULL
       AND started_at IS NOT NULL`,
    )) {
      problems.push(
        `attempt ${row.number} of step ${row.step} in run ${row.run_id} started without a remote id`,
      );
    }
    for (const row of query(
      `SELECT run_id, step, COUNT(*) AS open FROM attempts WHERE state IN ('starting', 'running')
       GROUP BY run_id, step HAVING COUNT(*) > 1`,
    )) {
      problems.push(`step ${row.step} in run ${row.run_id} has ${row.open} unfinished attempts`);
    }
    for (const row of query(
      `SELECT s.run_id, s.name FROM steps s WHERE s.state = 'succeeded'
       AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.run_id = s.run_id AND a.step = s.name AND a.state = 'succeeded')`,
    )) {
      problems.push(`step ${row.name} in run ${row.run_id} succeeded without a succeeded attempt`);
    }
    for (const row of query(
      `SELECT run_id, step, COUNT(*) AS n FROM attempts WHERE state = 'succeeded' GROUP BY run_id, step HAVING COUNT(*) > 1`,
    )) {
      problems.push(`step ${row.step} in run ${row.run_id} has ${row.n} succeeded attempts`);
    }
    return problems;
  }
}

function migrate(db: Database.Database, file: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);

  const apply = db.transaction(() => {
    const applied = new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((row) => row.version),
    );
    const newest = Math.max(0, ...applied);
    const known = MIGRATIONS.at(-1)?.version ?? 0;
    if (newest > known) {
      throw new LedgerVersionError(
        `ledger ${file} has schema version ${newest}, but this knimectl knows versions up to ${known}; upgrade knimectl or use another --ledger file`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }
  });
  apply.immediate();
}
