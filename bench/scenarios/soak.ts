/**
 * The fault soak of `test/soak/` at benchmark size: runs through the in-process simulator with 5xx,
 * resets and lost responses on the creating and executing routes, judged by the simulator's counters.
 */
import { runFaultSoak } from '../../test/soak/support/fault-soak.js';
import type { ResultRow } from '../lib/result.js';
import { formatMs, formatNumber } from '../lib/stats.js';

export interface SoakOptions {
  jobs: number;
  concurrency: number;
}

export async function faultSoak(options: SoakOptions): Promise<ResultRow[]> {
  const started = performance.now();
  const report = await runFaultSoak({ jobs: options.jobs, concurrency: options.concurrency, seed: 3 });
  const wallMs = performance.now() - started;
  const succeeded = report.runs.filter((run) => run.result === 'succeeded').length;
  const failed = report.runs.length - succeeded;
  const faults = report.faults;
  const clean =
    report.duplicateExecutions.length === 0 &&
    report.lostOutcomes.length === 0 &&
    report.phantomSuccesses.length === 0 &&
    report.untypedErrors.length === 0 &&
    report.runs.every((run) => run.result !== 'wrong-output') &&
    report.leftOnServer === 0;
  return [
    {
      scenario: 'soak',
      metric: `${formatNumber(options.jobs, 0)} runs, ${options.concurrency} in flight, 10 % 5xx + 2 % resets + 1 % lost responses on create and execute`,
      value: `${report.duplicateExecutions.length} duplicate executions, ${report.lostOutcomes.length} lost outcomes, ${report.leftOnServer} jobs left`,
      ratio: `${succeeded} succeeded, ${failed} failed with a typed error; injected ${faults.serverError} 5xx, ${faults.reset} resets, ${faults.lostResponse} lost responses; ${formatMs(wallMs)}`,
      target: 'zero duplicates, zero lost outcomes (simulator counters)',
      verdict: clean ? 'meets' : 'failed',
    },
  ];
}
