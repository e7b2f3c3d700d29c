/**
 * Worker process of the fan-out and baseline benchmarks: one client of the built package
 * (`dist/index.js`, so the numbers carry no TypeScript loader) that runs JOBS jobs at once (`start`,
 * `wait`, `outputs`, `discard`), checks every output, and prints one JSON line with its wall time,
 * CPU time, peak RSS and per-job detection latency.
 *
 * Usage: node bench/scenarios/fanout-worker.mjs URL WORKFLOW JOBS
 */
import { performance } from 'node:perf_hooks';
import { createClient, isKnimeError } from '../../dist/index.js';

const [url, workflow, jobsText] = process.argv.slice(2);
if (!url || !workflow || !jobsText) {
  process.stderr.write('usage: fanout-worker.mjs URL WORKFLOW JOBS\n');
  process.exit(2);
}
const jobs = Number(jobsText);

const client = createClient({ url, requestTimeoutMs: 120_000 });
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = {
  jobs,
  succeeded: 0,
  wrongOutputs: 0,
  /** Error count per `KnimeError` code. */
  errors: {},
  firstError: undefined,
  wallMs: 0,
  cpuUserMs: 0,
  cpuSystemMs: 0,
  /** CPU time of the whole process, Node start-up and module loading included. */
  cpuTotalMs: 0,
  /** Peak resident set size of this process, in bytes. */
  maxRssBytes: 0,
  /** Detection latency per successful job, in milliseconds. */
  latenciesMs: [],
};

async function runOne(index) {
  const name = `job-${index}`;
  try {
    const handle = await client.start(workflow, { name });
    const status = await handle.wait({ loadTimeoutMs: 600_000 });
    result.latenciesMs.push(Date.now() - (status.finishedAt ?? Number.NaN));
    const outputs = await handle.outputs();
    await handle.discard();
    if (outputs.greeting === `Hello, ${name}!`) result.succeeded += 1;
    else result.wrongOutputs += 1;
  } catch (error) {
    const code = isKnimeError(error) ? error.code : 'untyped';
    result.errors[code] = (result.errors[code] ?? 0) + 1;
    result.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

await Promise.all(Array.from({ length: jobs }, (_, index) => runOne(index)));

result.wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
result.cpuUserMs = cpu.user / 1000;
result.cpuSystemMs = cpu.system / 1000;
const total = process.cpuUsage();
result.cpuTotalMs = (total.user + total.system) / 1000;
result.maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify(result)}\n`);
