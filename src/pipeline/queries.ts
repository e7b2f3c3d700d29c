/** Read-only views of the ledger and of pipeline files, for `runs`, `status` and `graph`. */
import path from 'node:path';
import { drawGraph, type GraphFormat } from './dag.js';
import {
  type AttemptRecord,
  DEFAULT_LEDGER_PATH,
  describeOwner,
  Ledger,
  type RunFilter,
  type RunRecord,
  type StepRecord,
} from './ledger/ledger.js';
import { loadPipeline } from './load.js';

export interface LedgerLocation {
  /** @default `.knimectl/ledger.db` in the working directory */
  readonly ledgerPath?: string;
}

/** A run as listed by {@link listRuns}; `state` is `running`, `interrupted` or the outcome. */
export interface RunListEntry extends RunRecord {
  readonly state: 'running' | 'interrupted' | NonNullable<RunRecord['outcome']>;
}

function withLedger<T>(options: LedgerLocation, work: (ledger: Ledger) => T): T {
  const ledger = Ledger.open(path.resolve(options.ledgerPath ?? DEFAULT_LEDGER_PATH));
  try {
    return work(ledger);
  } finally {
    ledger.close();
  }
}

function runState(run: RunRecord): RunListEntry['state'] {
  if (run.outcome !== null) return run.outcome;
  return describeOwner(run).alive ? 'running' : 'interrupted';
}

/** Lists runs, newest first. An unfinished run whose runner process is gone is `interrupted`. */
export function listRuns(options: LedgerLocation & RunFilter = {}): RunListEntry[] {
  return withLedger(options, (ledger) =>
    ledger.listRuns(options).map((run) => ({ ...run, state: runState(run) })),
  );
}

export interface StepStatus extends StepRecord {
  readonly attempts: readonly AttemptRecord[];
}

export interface RunStatus {
  readonly run: RunListEntry;
  readonly steps: readonly StepStatus[];
}

/** Returns a run with each step and its attempts. Throws `RunNotFoundError` for an unknown id. */
export function runStatus(runId: string, options: LedgerLocation = {}): RunStatus {
  return withLedger(options, (ledger) => {
    const run = ledger.getRun(runId);
    const attempts = ledger.getAttempts(runId);
    return {
      run: { ...run, state: runState(run) },
      steps: ledger.getSteps(runId).map((step) => ({
        ...step,
        attempts: attempts.filter((attempt) => attempt.step === step.name),
      })),
    };
  });
}

/** Draws a pipeline's steps and needs as Mermaid or DOT text. Throws `PipelineFileError` for a bad file. */
export async function pipelineGraph(file: string, format: GraphFormat = 'mermaid'): Promise<string> {
  const pipeline = await loadPipeline(file);
  return drawGraph(
    pipeline.name,
    pipeline.steps.map((step) => ({ name: step.name, needs: step.needs, kind: step.kind.name })),
    format,
  );
}
