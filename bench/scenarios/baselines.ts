/**
 * knimectl against today's practice on the same jobs: a Python script with `requests` that polls
 * every second, and a curl + bash loop that does the same (bench/baselines/). Each tool gets a fresh
 * simulator process; requests are counted at the simulator, CPU is what each process reports for
 * itself, start-up included.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runJsonCommand, startSimulatorProcess } from '../lib/processes.js';
import type { ResultRow } from '../lib/result.js';
import { formatMs, formatNumber, median, quantile } from '../lib/stats.js';
import { buildBenchWorkspace, repoDir, workflowFor } from '../lib/workspace.js';
import { runWorker } from './fanout.js';

export interface BaselineOptions {
  jobs: number;
  /** Execution time of each job, in milliseconds. */
  jobDurationMs: number;
}

interface ToolResult {
  tool: string;
  succeeded: number;
  requests: number;
  latenciesMs: number[];
  cpuTotalMs: number;
  note?: string;
}

interface ScriptResult {
  succeeded: number;
  latenciesMs: number[];
  cpuTotalMs: number;
}

export async function baselines(options: BaselineOptions): Promise<ResultRow[]> {
  const workspace = buildBenchWorkspace([options.jobDurationMs]);
  const workflow = workflowFor(options.jobDurationMs);
  const tools: ToolResult[] = [];
  try {
    const { result, stats } = await runWorker(workspace, workflow, options.jobs);
    tools.push({
      tool: 'knimectl library (1 process)',
      succeeded: result.succeeded,
      requests: stats.requests.total,
      latenciesMs: result.latenciesMs,
      cpuTotalMs: result.cpuTotalMs,
    });

    const python = spawnSync('python3', ['-c', 'import requests'], { stdio: 'pipe' });
    if (python.status === 0) {
      tools.push(
        await runScript(workspace, 'python3 + requests, 1 s poll', 'python3', [
          join(repoDir, 'bench', 'baselines', 'poll_requests.py'),
          workflow,
          String(options.jobs),
        ]),
      );
    } else {
      tools.push({
        tool: 'python3 + requests, 1 s poll',
        succeeded: 0,
        requests: 0,
        latenciesMs: [],
        cpuTotalMs: Number.NaN,
        note: 'not run: `import requests` failed (apt-get install -y python3-requests)',
      });
    }
    tools.push(
      await runScript(workspace, 'curl + bash loop, 1 s poll', 'bash', [
        join(repoDir, 'bench', 'baselines', 'poll_curl.sh'),
        workflow,
        String(options.jobs),
      ]),
    );
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }

  const ours = tools[0]!;
  return tools.map((tool) => {
    const isOurs = tool === ours;
    const label = `${tool.tool}, ${options.jobs} jobs of ${options.jobDurationMs / 1000} s`;
    if (tool.note) return { scenario: 'baselines', metric: label, value: tool.note, verdict: 'failed' };
    return {
      scenario: 'baselines',
      metric: `${label}: requests, median (p95) detection latency, CPU`,
      value: `${formatNumber(tool.requests, 0)} requests (${formatNumber(tool.requests / options.jobs, 1)}/job), ${formatMs(median(tool.latenciesMs))} (${formatMs(quantile(tool.latenciesMs, 0.95))}), CPU ${formatMs(tool.cpuTotalMs)}`,
      ratio: isOurs
        ? 'reference'
        : `knimectl sends ${formatNumber(ours.requests / tool.requests, 2)}× the requests and uses ${formatNumber(ours.cpuTotalMs / tool.cpuTotalMs, 2)}× the CPU`,
      target: `${options.jobs} of ${options.jobs} correct`,
      verdict: tool.succeeded === options.jobs ? 'meets' : 'failed',
    };
  });
}

async function runScript(
  workspace: string,
  tool: string,
  command: string,
  args: [script: string, workflow: string, jobs: string],
): Promise<ToolResult> {
  const simulator = await startSimulatorProcess(workspace);
  try {
    const [script, ...rest] = args;
    const result = await runJsonCommand<ScriptResult>(command, [script, simulator.url, ...rest], 30 * 60_000);
    const stats = await simulator.stats();
    return {
      tool,
      succeeded: result.succeeded,
      requests: stats.requests.total,
      latenciesMs: result.latenciesMs,
      cpuTotalMs: result.cpuTotalMs,
    };
  } finally {
    await simulator.stop();
  }
}
