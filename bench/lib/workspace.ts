/**
 * Benchmark workspace: copies of the demo workflow "Hello World" (JSON input `name`, output
 * `greeting` = "Hello, <name>!") with their own run times, in a temporary folder.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Repository paths of the benchmark workflows, by their simulated execution time. */
export const BENCH_WORKFLOWS = {
  short: '/Bench/Short',
  medium: '/Bench/Medium',
  long: '/Bench/Long',
} as const;

/** Execution time of each benchmark workflow in milliseconds (the load takes another 50 ms). */
export const DURATIONS_MS = { short: 1_000, medium: 60_000, long: 600_000 } as const;

/** Path of the workflow whose execution takes `durationMs`; {@link buildBenchWorkspace} adds it. */
export function workflowFor(durationMs: number): string {
  return `/Bench/Run-${durationMs}ms`;
}

/**
 * Writes a workspace with one workflow per entry of `durationsMs` (plus the three named ones) and
 * returns its folder. The caller removes it.
 */
export function buildBenchWorkspace(durationsMs: readonly number[] = []): string {
  const source = join(repoDir, 'demo', 'workspace', 'Demo', 'Hello World');
  if (!existsSync(source))
    throw new Error(`the demo workflow is missing at ${source}; the benchmarks copy it`);

  const root = mkdtempSync(join(tmpdir(), 'knimectl-bench-'));
  mkdirSync(join(root, 'Bench'));
  const all = new Map<string, number>();
  for (const [name, durationMs] of Object.entries(DURATIONS_MS)) {
    all.set(BENCH_WORKFLOWS[name as keyof typeof BENCH_WORKFLOWS], durationMs);
  }
  for (const durationMs of durationsMs) all.set(workflowFor(durationMs), durationMs);

  for (const [path, durationMs] of all) {
    const target = join(root, ...path.split('/').filter(Boolean));
    cpSync(source, target, { recursive: true });
    const sidecar = {
      loadMs: 50,
      durationMs,
      outcome: 'success',
      outputs: { greeting: { template: `Hello, \${input:name}!` } },
    };
    writeFileSync(join(target, 'knimectl-simulation.json'), JSON.stringify(sidecar));
  }
  return root;
}
