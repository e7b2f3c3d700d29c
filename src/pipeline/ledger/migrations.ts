/**
 * Schema migrations of the run ledger, applied in order inside one transaction each. Never edit a
 * released migration: add a new one at the end.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, steps and attempts',
    sql: `
      CREATE TABLE runs (
        id              TEXT PRIMARY KEY,
        pipeline_name   TEXT NOT NULL,
        pipeline_path   TEXT NOT NULL,
        pipeline_hash   TEXT NOT NULL,
        params_json     TEXT NOT NULL,
        run_key         TEXT NOT NULL,
        rerun           INTEGER NOT NULL DEFAULT 0,
        started_at      INTEGER NOT NULL,
        ended_at        INTEGER,
        deadline_at     INTEGER,
        outcome         TEXT CHECK (outcome IN ('succeeded', 'failed', 'timed-out', 'cancelled')),
        error           TEXT,
        owner_pid       INTEGER,
        owner_host      TEXT,
        resumed_count   INTEGER NOT NULL DEFAULT 0,
        CHECK ((ended_at IS NULL) = (outcome IS NULL))
      );
      -- At most one unfinished run per run key (pipeline and params).
      CREATE UNIQUE INDEX runs_active_key ON runs (run_key) WHERE ended_at IS NULL;
      CREATE INDEX runs_key_started ON runs (run_key, started_at);

      CREATE TABLE steps (
        run_id          TEXT NOT NULL REFERENCES runs (id),
        name            TEXT NOT NULL,
        position        INTEGER NOT NULL,
        kind            TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN
                          ('pending', 'running', 'succeeded', 'failed', 'timed-out', 'cancelled', 'skipped')),
        conclusion      TEXT,
        skip_reason     TEXT,
        outputs_json    TEXT,
        error           TEXT,
        started_at      INTEGER,
        ended_at        INTEGER,
        PRIMARY KEY (run_id, name)
      );

      CREATE TABLE attempts (
        run_id          TEXT NOT NULL,
        step            TEXT NOT NULL,
        number          INTEGER NOT NULL,
        state           TEXT NOT NULL CHECK (state IN
                          ('starting', 'running', 'succeeded', 'failed', 'timed-out', 'cancelled', 'abandoned')),
        remote_system   TEXT NOT NULL,
        remote_id       TEXT,
        remote_json     TEXT,
        intent_at       INTEGER NOT NULL,
        started_at      INTEGER,
        deadline_at     INTEGER,
        ended_at        INTEGER,
        outputs_json    TEXT,
        error           TEXT,
        PRIMARY KEY (run_id, step, number),
        FOREIGN KEY (run_id, step) REFERENCES steps (run_id, name),
        CHECK (state = 'starting' OR state = 'abandoned' OR remote_id IS NOT NULL OR state <> 'running')
      );
    `,
  },
];
