/**
 * Simulator throughput on its own: `GET /jobs/{id}` on loopback against the simulator process,
 * from this process with a fixed number of requests in flight, so that the other benchmarks know
 * the simulator is not their bottleneck. Client and simulator share the machine's cores.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startSimulatorProcess } from '../lib/processes.js';
import type { ResultRow } from '../lib/result.js';
import { formatMs, formatNumber, median } from '../lib/stats.js';
import { BENCH_WORKFLOWS, buildBenchWorkspace } from '../lib/workspace.js';

export interface ThroughputOptions {
  /** Requests per measurement. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Measurements; the median is reported. */
  rounds: number;
}

export async function simulatorThroughput(options: ThroughputOptions): Promise<ResultRow[]> {
  const workspace = buildBenchWorkspace();
  const simulator = await startSimulatorProcess(workspace);
  try {
    const created = await fetch(`${simulator.url}/rest/v4/repository${BENCH_WORKFLOWS.long}:jobs`, {
      method: 'POST',
    });
    if (created.status !== 201) throw new Error(`creating the job returned HTTP ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    const jobUrl = `${simulator.url}/rest/v4/jobs/${id}`;

    const rates: number[] = [];
    const latencies: number[] = [];
    // Round 0 warms the JIT compilers and the connection pool of both processes; it is not counted.
    for (let round = 0; round <= options.rounds; round += 1) {
      let sent = 0;
      const started = performance.now();
      const loop = async () => {
        while (sent < options.requests) {
          sent += 1;
          const before = performance.now();
          const response = await fetch(jobUrl);
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`GET ${jobUrl} returned HTTP ${response.status}`);
          latencies.push(performance.now() - before);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, loop));
      if (round === 0) {
        latencies.length = 0;
        continue;
      }
      rates.push(options.requests / ((performance.now() - started) / 1000));
    }

    const rate = median(rates);
    return [
      {
        scenario: 'throughput',
        metric: `simulator GET /jobs/{id} on loopback, ${options.concurrency} in flight: requests per second (median of ${options.rounds} × ${options.requests})`,
        value: `${formatNumber(rate, 0)} req/s`,
        ratio: `median request ${formatMs(median(latencies))}; 10,000 jobs polled every 5 s need 2,000 req/s`,
        target: '≥ 2,000 req/s, so 10,000 watched jobs do not saturate it',
        verdict: rate >= 2_000 ? 'meets' : 'misses',
      },
    ];
  } finally {
    await simulator.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
