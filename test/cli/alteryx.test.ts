/**
 * `knimectl alteryx run|status|cancel`, spawned from the built CLI against Alteryx Server
 * simulators on 127.0.0.1: every exit code, the JSON and properties output, the connection order
 * and the secret handling.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineAlteryxWorkflows,
  type RunningAlteryxSimulator,
  startAlteryxSimulator,
} from '../../src/simulator/alteryx/index.js';
import { RealClock } from '../../src/simulator/common/clock.js';
import { freshHome, runCli } from './helpers.js';
import { javaAvailable, loadWithJava } from './support/java-properties.js';

const SECRET = 'Alteryx-Secret-Value-93';
const KEY = 'etl-api-key';

const IDS = {
  sales: '6550a0a0a0a0a0a0a0a0a0a0',
  broken: '6550a0a0a0a0a0a0a0a0a0a1',
  stuck: '6550a0a0a0a0a0a0a0a0a0a2',
  stopped: '6550a0a0a0a0a0a0a0a0a0a3',
  warning: '6550a0a0a0a0a0a0a0a0a0a4',
};

function workflows() {
  return defineAlteryxWorkflows([
    {
      id: IDS.sales,
      name: 'Sales Summary',
      questions: [
        { name: 'StartDate', questionType: 'QuestionDate', description: 'First day' },
        {
          name: 'Channels',
          questionType: 'QuestionListBox',
          value: 'Retail',
          multiple: true,
          items: [
            { key: 'Retail', value: 'Retail' },
            { key: 'Online', value: 'Online' },
          ],
        },
      ],
      outputs: [{ fileName: 'summary.csv', availableFormats: ['Csv'], content: 'region,total\nEMEA,10\n' }],
      runMs: 150,
    },
    {
      id: IDS.broken,
      name: 'Broken Import',
      scenario: 'completed-with-error',
      errorMessage: 'Input Data (1): file not found: sales.csv',
      runMs: 100,
    },
    { id: IDS.stuck, name: 'Stuck Job', scenario: 'never-finishes' },
    { id: IDS.stopped, name: 'Admin Stopped', scenario: 'cancelled-by-admin', runMs: 100 },
    { id: IDS.warning, name: 'Partial Export', scenario: 'warning', runMs: 100 },
  ]);
}

function start(cancelRoute: 'works' | '405' = '405'): Promise<RunningAlteryxSimulator> {
  return startAlteryxSimulator({
    clock: new RealClock(1),
    workflows: workflows(),
    credentials: [{ apiKey: KEY, apiSecret: SECRET, role: 'admin' }],
    // Jobs of "Stuck Job" keep their worker forever, so there are enough workers for every test.
    workers: 50,
    cancelRoute,
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sends `signal` once the CLI reports the job running. */
function signalWhenRunning(signal: NodeJS.Signals) {
  let sent = false;
  return (text: string, child: ChildProcess) => {
    if (!sent && text.includes(' Running')) {
      sent = true;
      child.kill(signal);
    }
  };
}

/** Reads `key=value` lines of the properties output (values without escapes in these tests). */
function propertiesOf(text: string): Record<string, string> {
  const entries = text
    .trim()
    .split('\n')
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

const fast = ['--poll-interval', '20ms'];

describe('knimectl alteryx', () => {
  let simulator: RunningAlteryxSimulator;
  let cancelling: RunningAlteryxSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await start();
    cancelling = await start('works');
    env = { ALTERYX_URL: simulator.url, ALTERYX_CLIENT_ID: KEY, ALTERYX_CLIENT_SECRET: SECRET };
  });
  afterAll(async () => {
    await simulator.close();
    await cancelling.close();
  });

  it('run exits 0 and prints one JSON document', async () => {
    const result = await runCli(
      ['alteryx', 'run', 'Sales Summary', '--answer', 'StartDate=2026-12-01', '--json', ...fast],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);

    const document = JSON.parse(result.stdout);
    expect(document.jobId).toMatch(/^[0-9a-f]{24}$/);
    expect(document.workflow).toBe('Sales Summary');
    expect(document.state).toBe('Completed');
    expect(document.disposition).toBe('Success');
    expect(document.outcome).toBe('succeeded');
    expect(Object.keys(document.outputs)).toEqual(['summary.csv']);
    expect(Date.parse(document.startedAt)).not.toBeNaN();
    expect(document.finishedAt).toBeNull();
    expect(document.durationMs).toBeNull();
    expect(document.failedNodes).toEqual([]);
    expect(result.stderr).toContain(`queued Alteryx job ${document.jobId}`);

    const job = simulator.simulator.control.jobs().find((entry) => entry.id === document.jobId);
    expect(job?.status).toBe('Completed');
  });

  it('run prints properties and downloads outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knimectl-alteryx-out-'));
    const result = await runCli(
      [
        'alteryx',
        'run',
        IDS.sales,
        '--answers',
        '{"StartDate":"2026-12-01"}',
        '--answer',
        'Channels=Retail',
        '--answer',
        'Channels=Online',
        '--output-dir',
        dir,
        '--format',
        'properties',
        ...fast,
      ],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);

    const properties = propertiesOf(result.stdout);
    expect(properties.state).toBe('Completed');
    expect(properties.outcome).toBe('succeeded');
    expect(properties.disposition).toBe('Success');
    expect(properties['file.summary.csv']).toBe(join(dir, 'summary.csv'));
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe('region,total\nEMEA,10\n');
    if (javaAvailable) expect(loadWithJava(result.stdout).outcome).toBe('succeeded');

    const job = simulator.simulator.control.jobs().at(-1)!;
    expect(job.questions).toContainEqual({ name: 'Channels', value: 'Retail,Online' });
  });

  it('run exits 1 for a failed job', async () => {
    const result = await runCli(['alteryx', 'run', 'Broken Import', '--json', ...fast], { env });
    expect(result.code).toBe(1);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('Completed');
    expect(document.disposition).toBe('Error');
    expect(document.outcome).toBe('failed');
    expect(document.failedNodes).toEqual([
      { node: 'tool 1', messageType: 'ERROR', message: 'Input Data (1): file not found: sales.csv' },
    ]);
    expect(document.error).toContain('file not found: sales.csv');
    expect(result.stderr).toContain(`knimectl alteryx status ${document.jobId}`);
  });

  it('run exits 1 with properties for a failed job', async () => {
    const result = await runCli(['alteryx', 'run', 'Broken Import', '--format', 'properties', ...fast], {
      env,
    });
    expect(result.code).toBe(1);
    const properties = propertiesOf(result.stdout);
    expect(properties.outcome).toBe('failed');
    expect(properties.disposition).toBe('Error');
    expect(properties['failedNodes.0.message']).toBe('Input Data (1): file not found: sales.csv');
  });

  it('run treats a warning as success by default', async () => {
    const result = await runCli(['alteryx', 'run', 'Partial Export', '--json', ...fast], { env });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.disposition).toBe('Warning');
    expect(document.outcome).toBe('succeeded');
  });

  it('run exits 1 for a warning with --warnings-as-errors', async () => {
    const result = await runCli(
      ['alteryx', 'run', 'Partial Export', '--warnings-as-errors', '--json', ...fast],
      {
        env,
      },
    );
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.disposition).toBe('Warning');
    expect(document.outcome).toBe('failed');
  });

  it('run exits 6 for a job cancelled on the server', async () => {
    const result = await runCli(['alteryx', 'run', 'Admin Stopped', '--json', ...fast], { env });
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout).outcome).toBe('cancelled');
  });

  it('run exits 8 listing missing answers', async () => {
    const before = simulator.simulator.stats.jobsQueued[IDS.sales] ?? 0;
    const result = await runCli(['alteryx', 'run', 'Sales Summary', ...fast], { env });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('missing answers for StartDate');
    expect(result.stderr).toContain('--answer NAME=VALUE');
    expect(simulator.simulator.stats.jobsQueued[IDS.sales] ?? 0).toBe(before);
  });

  it('run exits 8 for an unknown question', async () => {
    const result = await runCli(
      ['alteryx', 'run', 'Sales Summary', '--answer', 'StartDate=2026-12-01', '--answer', 'Regoin=EMEA'],
      { env },
    );
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('Regoin');
  });

  it('run exits 4 for an unknown workflow', async () => {
    const result = await runCli(['alteryx', 'run', 'No Such App'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("no workflow is named 'No Such App'");
  });

  it('run exits 5 and says the job keeps running', async () => {
    const result = await runCli(['alteryx', 'run', 'Stuck Job', '--timeout', '300ms', '--json', ...fast], {
      env,
    });
    expect(result.code).toBe(5);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('Running');
    expect(document.error).toContain('keeps running on the server');
    expect(document.error).toContain('no cancel call');
    expect(result.stderr).toContain('--timeout');
    const job = simulator.simulator.control.jobs().find((entry) => entry.id === document.jobId);
    expect(job?.status).toBe('Running');
  });

  it('run cancels on timeout with --cancel-route', async () => {
    const result = await runCli(
      ['alteryx', 'run', 'Stuck Job', '--timeout', '300ms', '--cancel-route', '--json', ...fast],
      { env: { ...env, ALTERYX_URL: cancelling.url } },
    );
    expect(result.code).toBe(5);
    const document = JSON.parse(result.stdout);
    expect(document.error).toContain('was cancelled through DELETE');
    const job = cancelling.simulator.control.jobs().find((entry) => entry.id === document.jobId);
    expect(job?.status).toBe('Cancelled');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('run exits on %s without pretending to cancel', async (signal, code) => {
    const result = await runCli(['alteryx', 'run', 'Stuck Job', '--json', ...fast], {
      env,
      onStderr: signalWhenRunning(signal),
    });
    expect(result.code).toBe(code);

    const document = JSON.parse(result.stdout);
    expect(document.error).toContain(`interrupted by ${signal}`);
    expect(document.error).toContain('keeps running on the server');
    const job = simulator.simulator.control.jobs().find((entry) => entry.id === document.jobId);
    expect(job?.status).toBe('Running');
  });

  it('status prints JSON and properties', async () => {
    const run = await runCli(
      ['alteryx', 'run', 'Sales Summary', '--answer', 'StartDate=2026-12-01', '--json', ...fast],
      { env },
    );
    const jobId = JSON.parse(run.stdout).jobId as string;

    const json = await runCli(['alteryx', 'status', jobId, '--json'], { env });
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.jobId).toBe(jobId);
    expect(document.state).toBe('Completed');
    expect(document.outcome).toBe('succeeded');

    const properties = await runCli(['alteryx', 'status', jobId, '--format', 'properties'], { env });
    expect(properties.code).toBe(0);
    expect(propertiesOf(properties.stdout).disposition).toBe('Success');

    const human = await runCli(['alteryx', 'status', jobId], { env });
    expect(human.stdout).toContain('state:       Completed (succeeded)');
  });

  it('status exits 4 for an unknown job', async () => {
    const result = await runCli(['alteryx', 'status', 'ffffffffffffffffffffffff'], { env });
    expect(result.code).toBe(4);
  });

  it('cancel exits 8 because API V3 cannot cancel', async () => {
    const run = await runCli(['alteryx', 'run', 'Stuck Job', '--timeout', '100ms', '--json', ...fast], {
      env,
    });
    const jobId = JSON.parse(run.stdout).jobId as string;

    const result = await runCli(['alteryx', 'cancel', jobId], { env });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('no cancel call');
    expect(result.stderr).toContain('--cancel-route');
    const job = simulator.simulator.control.jobs().find((entry) => entry.id === jobId);
    expect(job?.status).toBe('Running');
  });

  it('cancel exits 0 with a working cancel route', async () => {
    const cancelEnv = { ...env, ALTERYX_URL: cancelling.url };
    const run = await runCli(['alteryx', 'run', 'Stuck Job', '--timeout', '100ms', '--json', ...fast], {
      env: cancelEnv,
    });
    const jobId = JSON.parse(run.stdout).jobId as string;

    const result = await runCli(['alteryx', 'cancel', jobId, '--cancel-route'], { env: cancelEnv });
    expect(result.code, result.stderr).toBe(0);
    const job = cancelling.simulator.control.jobs().find((entry) => entry.id === jobId);
    expect(job?.status).toBe('Cancelled');
  });

  it('cancel exits 0 for an ended job', async () => {
    const run = await runCli(['alteryx', 'run', 'Broken Import', '--json', ...fast], { env });
    const jobId = JSON.parse(run.stdout).jobId as string;
    const result = await runCli(['alteryx', 'cancel', jobId], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('has already ended');
  });

  it('exits 3 for a wrong secret', async () => {
    const result = await runCli(['alteryx', 'status', 'ffffffffffffffffffffffff'], {
      env: { ...env, ALTERYX_CLIENT_SECRET: 'wrong-secret' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('wrong-secret');
  });

  it('exits 7 when the server is unreachable', async () => {
    const port = await closedPort();
    const result = await runCli(['alteryx', 'run', 'Sales Summary', '--retries', '0'], {
      env: { ...env, ALTERYX_URL: `http://127.0.0.1:${port}/webapi/` },
    });
    expect(result.code).toBe(7);
  });

  it.each([
    [['alteryx', 'run', 'Sales Summary', '--timeout', '10'], '--timeout'],
    [['alteryx', 'run', 'Sales Summary', '--answer', 'StartDate'], 'NAME=VALUE'],
    [['alteryx', 'run', 'Sales Summary', '--priority', 'Urgent'], 'Urgent'],
    [['alteryx', 'run', 'Sales Summary', '--answers', '[1]'], '--answers'],
  ])('exits 2 for invalid flags %#', async (args, named) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
  });

  it('exits 2 without a URL, key or secret', async () => {
    const noUrl = await runCli(['alteryx', 'status', 'x'], {
      env: { ALTERYX_CLIENT_ID: KEY, ALTERYX_CLIENT_SECRET: SECRET },
    });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('ALTERYX_URL');

    const noSecret = await runCli(['alteryx', 'status', 'x'], {
      env: { ALTERYX_URL: simulator.url, ALTERYX_CLIENT_ID: KEY },
    });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('--client-secret-stdin');
  });

  it('reads the secret from stdin, never from argv', async () => {
    const result = await runCli(
      [
        'alteryx',
        'run',
        'Sales Summary',
        '--answer',
        'StartDate=2026-12-01',
        '--url',
        simulator.url,
        '--client-id',
        KEY,
        '--client-secret-stdin',
        '--debug',
        ...fast,
      ],
      { stdin: `${SECRET}\n` },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.cmdline).not.toContain(SECRET);
    expect(result.stderr).not.toContain(SECRET);
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stderr).toContain('secret from flag (redacted)');
  });

  it('reads the secret from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knimectl-secret-'));
    const file = join(dir, 'secret');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    const result = await runCli(
      ['alteryx', 'status', 'ffffffffffffffffffffffff', '--client-secret-file', file],
      { env: { ALTERYX_URL: simulator.url, ALTERYX_CLIENT_ID: KEY } },
    );
    expect(result.code).toBe(4);
  });

  it('orders flag, environment and profile', async () => {
    const home = freshHome();
    const configDir = join(home, '.config', 'knimectl');
    mkdirSync(configDir, { recursive: true });
    const configFile = join(configDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        defaultProfile: 'knime',
        profiles: {
          knime: { server: 'http://127.0.0.1:9/knime' },
          alteryx: { alteryx: simulator.url, user: KEY, password: SECRET },
        },
      }),
    );
    chmodSync(configFile, 0o600);
    const port = await closedPort();
    const closedUrl = `http://127.0.0.1:${port}/webapi/`;
    const args = ['alteryx', 'status', 'ffffffffffffffffffffffff', '--retries', '0'];

    // The default profile names no Alteryx server, so it is not used.
    const noProfile = await runCli(args, { env: { HOME: home } });
    expect(noProfile.code).toBe(2);

    const fromProfile = await runCli([...args, '--profile', 'alteryx'], { env: { HOME: home } });
    expect(fromProfile.code).toBe(4);

    const envWins = await runCli([...args, '--profile', 'alteryx'], {
      env: { HOME: home, ALTERYX_URL: closedUrl },
    });
    expect(envWins.code).toBe(7);

    const flagWins = await runCli([...args, '--profile', 'alteryx', '--url', simulator.url], {
      env: { HOME: home, ALTERYX_URL: closedUrl },
    });
    expect(flagWins.code).toBe(4);
  });

  it('documents units and defaults in --help', async () => {
    const result = await runCli(['alteryx', 'run', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('units ms, s, m, h');
    expect(result.stdout).toContain('(default: "1s")');
    expect(result.stdout).toContain('ALTERYX_CLIENT_SECRET');
    expect(result.stdout).toContain('no cancel call');
  });
});
