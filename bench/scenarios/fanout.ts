/**
 * Fan-out: one client process starts and watches many concurrent jobs against the simulator
 * process. The benchmark reports wall time, CPU time and peak RSS of the client process. The
 * simulator's counters check that every job ran exactly once and was discarded.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runJsonCommand, type SimulatorProcessStats, startSimulatorProcess } from '../lib/processes.js';
import type { ResultRow } from '../lib/result.js';
import { formatMiB, formatMs, formatNumber, median } from '../lib/stats.js';
import type { FanoutWorkerResult } from '../lib/worker-result.js';
import { buildBenchWorkspace, repoDir, workflowFor } from '../lib/workspace.js';

/**
 * Target of this benchmark: jobs that run side by side should all be done within a few job
 * durations, whatever their number. The docs promise no fan-out figure.
 */
const WALL_TARGET_RATIO = 3;

export interface FanoutOptions {
  /** Concurrent job counts, one run each. */
  sizes: readonly number[];
  /** Simulated execution time of each job, in milliseconds (the simulator runs in real time). */
  jobDurationMs: number;
}

/**
 * Runs the worker (`fanout-worker.mjs`, on the built package) with `jobs` jobs against a fresh
 * simulator process, and returns its result with the simulator's counters taken afterwards. The
 * simulator's CPU time is the part the run used.
 */
export async function runWorker(
  workspace: string,
  workflow: string,
  jobs: number,
): Promise<{ result: FanoutWorkerResult; stats: SimulatorProcessStats }> {
  const worker = join(repoDir, 'bench', 'scenarios', 'fanout-worker.mjs');
  if (!existsSync(join(repoDir, 'dist', 'index.js'))) {
    throw new Error('dist/index.js is missing; run `npm run build` first');
  }
  const simulator = await startSimulatorProcess(workspace);
  try {
    const before = await simulator.stats();
    const result = await runJsonCommand<FanoutWorkerResult>(
      process.execPath,
      [worker, simulator.url, workflow, String(jobs)],
      30 * 60_000,
    );
    const stats = await simulator.stats();
    stats.cpuMicros = {
      user: stats.cpuMicros.user - before.cpuMicros.user,
      system: stats.cpuMicros.system - before.cpuMicros.system,
    };
    return { result, stats };
  } finally {
    await simulator.stop();
  }
}

export async function fanout(options: FanoutOptions): Promise<ResultRow[]> {
  const workspace = buildBenchWorkspace([options.jobDurationMs]);
  const rows: ResultRow[] = [];
  try {
    for (const size of options.sizes) {
      const { result, stats } = await runWorker(workspace, workflowFor(options.jobDurationMs), size);
      rows.push(...fanoutRows(size, options.jobDurationMs, result, stats));
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  return rows;
}

function fanoutRows(
  size: number,
  durationMs: number,
  result: FanoutWorkerResult,
  stats: SimulatorProcessStats,
): ResultRow[] {
  const correct =
    result.succeeded === size &&
    stats.jobsCreated === size &&
    stats.executionsStarted === size &&
    stats.jobsExecutedMoreThanOnce === 0 &&
    stats.jobsLeft === 0;
  const errors = Object.entries(result.errors)
    .map(([code, count]) => `${count} ${code}`)
    .join(', ');
  const cpuMs = result.cpuUserMs + result.cpuSystemMs;
  const label = `${formatNumber(size, 0)} concurrent ${durationMs / 1000} s jobs`;
  return [
    {
      scenario: 'fanout',
      metric: `${label}: outcomes (simulator: created / executed / left)`,
      value: `${result.succeeded} of ${size} correct (${stats.jobsCreated} / ${stats.executionsStarted} / ${stats.jobsLeft})`,
      ratio: errors === '' ? undefined : `errors: ${errors}; first: ${result.firstError ?? ''}`,
      target: 'every job succeeds exactly once, none left',
      verdict: correct ? 'meets' : 'failed',
    },
    {
      scenario: 'fanout',
      metric: `${label}: wall time of the client process`,
      value: formatMs(result.wallMs),
      ratio: `${formatNumber(result.wallMs / durationMs, 2)}× one job's duration; median detection ${formatMs(median(result.latenciesMs))}`,
      target: `≤ ${WALL_TARGET_RATIO}× one job's duration (benchmark target; the docs promise none)`,
      verdict: result.wallMs <= WALL_TARGET_RATIO * durationMs ? 'meets' : 'misses',
    },
    {
      scenario: 'fanout',
      metric: `${label}: client CPU time (user + system)`,
      value: formatMs(cpuMs),
      ratio: `${formatNumber(cpuMs / size, 2)} ms per job; simulator process ${formatMs((stats.cpuMicros.user + stats.cpuMicros.system) / 1000)}`,
    },
    {
      scenario: 'fanout',
      metric: `${label}: peak RSS of the client process`,
      value: formatMiB(result.maxRssBytes),
      ratio: `${formatNumber(stats.requests.total / size, 1)} requests per job at the simulator, of them ${formatNumber((stats.requests.byOperation['list jobs'] ?? 0) / size, 1)} job lists of ${formatMiB(stats.listJobsResponseBytes)} in all`,
    },
  ];
}
