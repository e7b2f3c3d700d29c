/**
 * Worker process of the pipeline benchmark: writes a pipeline of STEPS instant `wait` steps (each
 * waits for a file that already exists) as a layered DAG, runs it with the built runner
 * (`dist/pipeline/index.js`) and a fresh SQLite ledger, and prints one JSON line.
 *
 * Each step in layer k needs two steps of layer k - 1, so the graph has STEPS / WIDTH layers.
 *
 * Usage: node bench/scenarios/pipeline-worker.mjs STEPS [WIDTH] [MAX_PARALLEL]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runPipeline } from '../../dist/pipeline/index.js';

const steps = Number(process.argv[2]);
const width = Number(process.argv[3] ?? 10);
const maxParallel = Number(process.argv[4] ?? 4);
if (!Number.isInteger(steps) || steps < 1) {
  process.stderr.write('usage: pipeline-worker.mjs STEPS [WIDTH] [MAX_PARALLEL]\n');
  process.exit(2);
}

const folder = mkdtempSync(join(tmpdir(), 'knimectl-bench-pipeline-'));
const name = (index) => `s${String(index).padStart(5, '0')}`;
const lines = ['name: bench-dag', 'steps:'];
for (let index = 0; index < steps; index += 1) {
  const needs = [];
  if (index >= width) {
    needs.push(name(index - width));
    const neighbour = index - width + 1;
    if (neighbour % width !== 0) needs.push(name(neighbour));
  }
  lines.push(`  ${name(index)}:`, '    kind: wait');
  if (needs.length > 0) lines.push(`    needs: [${needs.join(', ')}]`);
  lines.push('    with: { file: ready.txt }');
}
const file = join(folder, 'pipeline.yaml');
writeFileSync(file, `${lines.join('\n')}\n`);
writeFileSync(join(folder, 'ready.txt'), 'ready\n');

const cpuBefore = process.cpuUsage();
const started = performance.now();
let result;
try {
  result = await runPipeline(file, {
    ledgerPath: join(folder, 'ledger.db'),
    maxParallel,
    pollIntervalMs: 1000,
  });
} finally {
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const succeeded = result ? result.steps.filter((step) => step.state === 'succeeded').length : 0;
  process.stdout.write(
    `${JSON.stringify({
      steps,
      outcome: result?.outcome ?? 'threw',
      succeeded,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
  rmSync(folder, { recursive: true, force: true });
}
