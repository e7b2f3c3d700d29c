/** Child processes of the benchmarks: the simulator process and JSON-printing workers. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoDir } from './workspace.js';

/** A simulator process started by {@link startSimulatorProcess}. */
export interface SimulatorProcess {
  /** Context root URL, such as `http://127.0.0.1:40123/knime`. */
  url: string;
  /** `http://127.0.0.1:PORT`, for the control routes. */
  origin: string;
  stats(): Promise<SimulatorProcessStats>;
  resetCounts(): Promise<void>;
  stop(): Promise<void>;
}

export interface SimulatorProcessStats {
  requests: { total: number; byOperation: Record<string, number> };
  /** Bytes of `GET {workflow}:jobs` responses. */
  listJobsResponseBytes: number;
  jobsCreated: number;
  executionsStarted: number;
  executionsFinished: number;
  discards: number;
  maxConcurrentExecutions: number;
  jobsExecutedMoreThanOnce: number;
  jobsLeft: number;
  cpuMicros: { user: number; system: number };
}

const TSX = ['--import', 'tsx'];

/** Starts bench/lib/sim-process.ts on `workspace`; rejects when it does not listen within 60 s. */
export async function startSimulatorProcess(workspace: string): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    [...TSX, join(repoDir, 'bench', 'lib', 'sim-process.ts'), workspace],
    {
      cwd: repoDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const first = await firstLine(child, 60_000);
  const { url, origin } = JSON.parse(first) as { url: string; origin: string };
  return {
    url,
    origin,
    stats: async () => (await (await fetch(`${origin}/__bench/stats`)).json()) as SimulatorProcessStats,
    resetCounts: async () => {
      await (await fetch(`${origin}/__bench/reset`, { method: 'POST' })).arrayBuffer();
    },
    stop: () => stopChild(child),
  };
}

/**
 * Runs a command and parses the last non-empty stdout line as JSON. Rejects when the process exits
 * non-zero or runs longer than `timeoutMs`.
 */
export function runJsonCommand<T>(command: string, args: readonly string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ran longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim().slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${command} printed no JSON result; stdout ends with ${last.slice(-500)}`));
      }
    });
  });
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`simulator process did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(buffer.slice(0, end));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator process exited with ${code} before it listened`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
