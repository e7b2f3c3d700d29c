/**
 * Counters of one engine, for tests and benchmarks that prove properties such as "no workflow ran
 * twice". Every counter only grows, except {@link EngineStats.currentlyExecuting}.
 */
export class EngineStats {
  jobsCreated = 0;
  executionsStarted = 0;
  executionsFinished = 0;
  cancels = 0;
  discards = 0;
  /** Jobs in state `EXECUTING` right now. */
  currentlyExecuting = 0;
  /** Highest value {@link currentlyExecuting} reached. */
  maxConcurrentExecutions = 0;
  /** Executions started per workflow path. */
  readonly executionsByWorkflow = new Map<string, number>();
  /** Executions started per job id; kept after the job is discarded. */
  readonly executionsByJob = new Map<string, number>();

  /** Plain-object copy, for JSON output and `toEqual` assertions. */
  toJSON(): EngineStatsSnapshot {
    return {
      jobsCreated: this.jobsCreated,
      executionsStarted: this.executionsStarted,
      executionsFinished: this.executionsFinished,
      cancels: this.cancels,
      discards: this.discards,
      currentlyExecuting: this.currentlyExecuting,
      maxConcurrentExecutions: this.maxConcurrentExecutions,
      executionsByWorkflow: Object.fromEntries(this.executionsByWorkflow),
      executionsByJob: Object.fromEntries(this.executionsByJob),
    };
  }
}

export interface EngineStatsSnapshot {
  jobsCreated: number;
  executionsStarted: number;
  executionsFinished: number;
  cancels: number;
  discards: number;
  currentlyExecuting: number;
  maxConcurrentExecutions: number;
  executionsByWorkflow: Record<string, number>;
  executionsByJob: Record<string, number>;
}
