/**
 * Pipeline overhead: a DAG of instant steps through the runner and its SQLite ledger, at several
 * sizes, so the growth per step is visible. Each size runs in its own process (`pipeline-worker.mjs`).
 */
import { join } from 'node:path';
import { runJsonCommand } from '../lib/processes.js';
import type { ResultRow } from '../lib/result.js';
import { formatMiB, formatMs, formatNumber } from '../lib/stats.js';
import { repoDir } from '../lib/workspace.js';

export interface PipelineOptions {
  sizes: readonly number[];
  /** Steps per layer of the DAG. */
  width: number;
}

interface PipelineWorkerResult {
  steps: number;
  outcome: string;
  succeeded: number;
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
}

export async function pipelineOverhead(options: PipelineOptions): Promise<ResultRow[]> {
  const worker = join(repoDir, 'bench', 'scenarios', 'pipeline-worker.mjs');
  const results: PipelineWorkerResult[] = [];
  for (const size of options.sizes) {
    results.push(
      await runJsonCommand<PipelineWorkerResult>(
        process.execPath,
        [worker, String(size), String(options.width)],
        60 * 60_000,
      ),
    );
  }

  const first = results[0];
  return results.map((result) => {
    const perStep = result.wallMs / result.steps;
    const growth =
      first && first !== result
        ? `${formatNumber(result.steps / first.steps, 0)}× the steps took ${formatNumber(result.wallMs / first.wallMs, 1)}× the time`
        : 'smallest size';
    return {
      scenario: 'pipeline',
      metric: `${formatNumber(result.steps, 0)} instant steps, ${options.width} per layer: wall time (per step), CPU, peak RSS`,
      value: `${formatMs(result.wallMs)} (${formatMs(perStep)}), CPU ${formatMs(result.cpuMs)}, ${formatMiB(result.maxRssBytes)}`,
      ratio: growth,
      target: 'all steps succeed; time grows about linearly with steps',
      verdict:
        result.outcome !== 'succeeded' || result.succeeded !== result.steps
          ? 'failed'
          : first && first !== result && result.wallMs / first.wallMs > 2 * (result.steps / first.steps)
            ? 'misses'
            : 'meets',
    };
  });
}
