/**
 * Benchmarks of knimectl. Prints a Markdown table and writes the results section of
 * docs/benchmarks.md (between its `results:start` and `results:end` markers).
 *
 * Usage: node --import tsx bench/run.ts [--quick] [--only NAME[,NAME]] [--no-write] [size flags]
 * Run `node --import tsx bench/run.ts --help` for the size flags. The CLI and the worker processes
 * use the built package, so run `npm run build` first.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable, type ResultRow } from './lib/result.js';
import { formatMs } from './lib/stats.js';
import { repoDir } from './lib/workspace.js';
import { baselines } from './scenarios/baselines.js';
import { coldStart } from './scenarios/cold-start.js';
import { detection } from './scenarios/detection.js';
import { fanout } from './scenarios/fanout.js';
import { pipelineOverhead } from './scenarios/pipeline.js';
import { faultSoak } from './scenarios/soak.js';
import { simulatorThroughput } from './scenarios/throughput.js';

const HELP = `Usage: node --import tsx bench/run.ts [options]

  --quick                       small sizes (a few minutes on two cores)
  --only <names>                comma-separated scenarios: ${'cold-start, detection, fanout, pipeline, throughput, baselines, soak'}
  --no-write                    print the table only; leave docs/benchmarks.md alone
  --cold-runs <n>               spawns per command (20; quick 5)
  --short-jobs <n>              1 s jobs on real loopback (20; quick 5)
  --real-medium                 also run three 1 min jobs in real time
  --fanout <n,n>                concurrent jobs per fan-out run (1000,10000; quick 100,1000)
  --fanout-duration-ms <ms>     execution time of each fan-out job (30000; quick 10000)
  --pipeline <n,n>              steps per pipeline run (50,500,5000; quick 50,200)
  --pipeline-width <n>          steps per DAG layer (10)
  --throughput-requests <n>     requests per throughput round (5000; quick 1000)
  --throughput-concurrency <n>  requests in flight (32; quick 16)
  --baseline-jobs <n>           jobs per tool in the baseline comparison (100; quick 20)
  --baseline-duration-ms <ms>   execution time of each baseline job (60500; quick 10500)
  --soak-jobs <n>               runs of the fault soak (1000; quick 100)
  --soak-concurrency <n>        runs in flight in the fault soak (8)
`;

/** Markers around the generated results section of docs/benchmarks.md. */
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

const SCENARIOS = [
  'cold-start',
  'detection',
  'fanout',
  'pipeline',
  'throughput',
  'baselines',
  'soak',
] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    help: { type: 'boolean' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    'no-write': { type: 'boolean' },
    'cold-runs': { type: 'string' },
    'short-jobs': { type: 'string' },
    'real-medium': { type: 'boolean' },
    fanout: { type: 'string' },
    'fanout-duration-ms': { type: 'string' },
    pipeline: { type: 'string' },
    'pipeline-width': { type: 'string' },
    'throughput-requests': { type: 'string' },
    'throughput-concurrency': { type: 'string' },
    'baseline-jobs': { type: 'string' },
    'baseline-duration-ms': { type: 'string' },
    'soak-jobs': { type: 'string' },
    'soak-concurrency': { type: 'string' },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const quick = values.quick === true;

/** Reads a positive integer flag, or the default of the mode. */
function count(name: keyof typeof values, full: number, quickValue: number): number {
  const raw = values[name];
  if (raw === undefined) return quick ? quickValue : full;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return value;
}

/** Reads a comma-separated list of positive integers, or the default of the mode. */
function counts(name: keyof typeof values, full: number[], quickValue: number[]): number[] {
  const raw = values[name];
  if (raw === undefined) return quick ? quickValue : full;
  return String(raw)
    .split(',')
    .map((part) => {
      const value = Number(part.trim());
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`--${name} must be positive integers separated by commas, got ${raw}`);
      }
      return value;
    });
}

function selected(): Scenario[] {
  if (values.only === undefined) return [...SCENARIOS];
  const names = values.only.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown scenario ${name}; valid: ${SCENARIOS.join(', ')}`);
    }
  }
  return names as Scenario[];
}

const runners: Record<Scenario, () => Promise<ResultRow[]>> = {
  'cold-start': () => coldStart({ runs: count('cold-runs', 20, 5) }),
  detection: () =>
    detection({ shortJobs: count('short-jobs', 20, 5), realMedium: values['real-medium'] === true }),
  fanout: () =>
    fanout({
      sizes: counts('fanout', [1_000, 10_000], [100, 1_000]),
      jobDurationMs: count('fanout-duration-ms', 30_000, 10_000),
    }),
  pipeline: () =>
    pipelineOverhead({
      sizes: counts('pipeline', [50, 500, 5_000], [50, 200]),
      width: count('pipeline-width', 10, 10),
    }),
  throughput: () =>
    simulatorThroughput({
      requests: count('throughput-requests', 5_000, 1_000),
      concurrency: count('throughput-concurrency', 32, 16),
      rounds: 3,
    }),
  baselines: () =>
    baselines({
      jobs: count('baseline-jobs', 100, 20),
      jobDurationMs: count('baseline-duration-ms', 60_500, 10_500),
    }),
  soak: () =>
    faultSoak({ jobs: count('soak-jobs', 1_000, 100), concurrency: count('soak-concurrency', 8, 8) }),
};

const command = `node --import tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
const startedAt = new Date();
const rows: ResultRow[] = [];
for (const scenario of selected()) {
  const started = performance.now();
  process.stderr.write(`bench: ${scenario} …\n`);
  try {
    rows.push(...(await runners[scenario]()));
  } catch (error) {
    rows.push({ scenario, metric: 'run', value: `error: ${(error as Error).message}`, verdict: 'failed' });
  }
  process.stderr.write(`bench: ${scenario} took ${formatMs(performance.now() - started)}\n`);
}

const table = markdownTable(rows);
process.stdout.write(`${table}\n`);

if (values['no-write'] !== true) {
  writeResults(resultsSection(table));
  process.stderr.write('bench: wrote the results section of docs/benchmarks.md\n');
}
if (rows.some((row) => row.verdict === 'failed')) process.exitCode = 1;

function resultsSection(table: string): string {
  const cpuList = cpus();
  const cpuModel = cpuList[0]?.model ?? 'unknown CPU';
  return [
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`${quick ? ' (quick sizes)' : ''}.`,
    '',
    `- Hardware: ${cpuList.length} × ${cpuModel}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory`,
    `- Node ${process.version}, ${process.platform} ${process.arch}`,
    `- Load average when the run ended: ${loadAverage()}`,
    '',
    table,
  ].join('\n');
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ');
  } catch {
    return 'unknown';
  }
}

/** Replaces the text between the markers of docs/benchmarks.md, keeping everything else. */
function writeResults(section: string): void {
  const file = join(repoDir, 'docs', 'benchmarks.md');
  if (!existsSync(file))
    throw new Error(
      `${file} is missing; create it with the method text and the results:start and results:end markers`,
    );
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} has no ${START} … ${END} markers`);
  writeFileSync(file, `${text.slice(0, start + START.length)}\n${section}\n${text.slice(end)}`);
}
