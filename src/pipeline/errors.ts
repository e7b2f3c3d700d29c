/**
 * Errors of the pipeline runner. Each class documents who throws it and when. The CLI maps them to
 * exit codes through `exitCodeForError` in `outcome.ts`.
 */

/** A position in a pipeline file, 1-based. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem in a pipeline file, with the place it was found. */
export interface PipelineIssue extends SourcePosition {
  readonly message: string;
}

/** Formats `file:line:column: message`, the form editors and CI logs link to. */
export function formatIssue(issue: PipelineIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/**
 * Thrown by `loadPipeline`, `validatePipeline` callers and `runPipeline` when a pipeline file cannot be
 * read or is invalid. Carries every problem found, not just the first.
 */
export class PipelineFileError extends Error {
  override readonly name = 'PipelineFileError';
  readonly issues: readonly PipelineIssue[];

  constructor(issues: readonly PipelineIssue[]) {
    const lines = issues.map(formatIssue);
    super(
      issues.length === 1
        ? lines[0]
        : `${issues.length} problems in pipeline file:\n${lines.map((l) => `  ${l}`).join('\n')}`,
    );
    this.issues = issues;
  }
}

/** Thrown by `parseParams` (and so `runPipeline`) when a `--param` value is unknown, missing or of the wrong type. */
export class PipelineParamError extends Error {
  override readonly name = 'PipelineParamError';
}

/**
 * Thrown by the expression parser for a syntax error and by the evaluator for a reference it cannot
 * resolve. `position` points at the expression in the pipeline file when it is known.
 */
export class ExpressionError extends Error {
  override readonly name: string = 'ExpressionError';
  /** Offset in the expression text where the problem starts. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Thrown by the evaluator when a step output or other value an expression refers to does not exist. */
export class MissingReferenceError extends ExpressionError {
  override readonly name = 'MissingReferenceError';
  /** Dotted path that was not found, such as `steps.extract.outputs.rows`. */
  readonly path: string;

  constructor(path: string, offset: number, detail: string) {
    super(`${path} is not defined: ${detail}`, offset);
    this.path = path;
  }
}

/**
 * Thrown by `runPipeline` when an unfinished run with the same run key (pipeline and params) exists,
 * and by `resumeRun` when another live process owns the run.
 */
export class RunInProgressError extends Error {
  override readonly name = 'RunInProgressError';
  readonly runId: string;

  constructor(message: string, runId: string) {
    super(message);
    this.runId = runId;
  }
}

/**
 * Thrown by `runPipeline` when a run with the same run key already succeeded and `rerun` is not set.
 * A deliberate run again is `rerun: true` (`--rerun`).
 */
export class RunAlreadySucceededError extends Error {
  override readonly name = 'RunAlreadySucceededError';
  readonly runId: string;

  constructor(message: string, runId: string) {
    super(message);
    this.runId = runId;
  }
}

/** Thrown by `resumeRun` and `runStatus` when the ledger has no run with the given id. */
export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
}

/** Thrown by `resumeRun` when the run already ended or its pipeline file changed since it started. */
export class RunNotResumableError extends Error {
  override readonly name = 'RunNotResumableError';
}

/** Abort reason of an attempt whose deadline passed; names the step, the limit and the unit. */
export class StepTimeoutError extends Error {
  override readonly name = 'StepTimeoutError';

  constructor(step: string, timeoutText: string) {
    super(`step ${step} timed out: its timeout of ${timeoutText} (step clock) ran out`);
  }
}

/** Thrown by a step kind's `attach` when remote work recorded in the ledger no longer exists. */
export class RemoteWorkLostError extends Error {
  override readonly name = 'RemoteWorkLostError';
}

/**
 * Thrown by a step kind's `start` when it certainly created no remote work. For any other error
 * from `start`, the runner asks the kind to reconcile before it counts the attempt as failed.
 */
export class StepNotStartedError extends Error {
  override readonly name: string = 'StepNotStartedError';
}

/** Thrown by a step kind when the resolved `with:` block or an input is invalid at start time. */
export class StepConfigError extends StepNotStartedError {
  override readonly name = 'StepConfigError';
}

/** Thrown by `openLedger` when the ledger file was written by a newer knimectl. */
export class LedgerVersionError extends Error {
  override readonly name = 'LedgerVersionError';
}
