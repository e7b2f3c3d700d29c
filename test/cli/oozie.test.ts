/**
 * `knimectl oozie run|status|kill`, spawned from the built CLI against Oozie simulators on
 * 127.0.0.1: every exit code, the JSON and properties output, adoption by external id, the
 * connection order and the password handling.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/simulator/common/clock.js';
import {
  type ApplicationInput,
  type RunningOozieSimulator,
  startOozieSimulator,
} from '../../src/simulator/oozie/index.js';
import { freshHome, runCli } from './helpers.js';
import { javaAvailable, loadWithJava } from './support/java-properties.js';

const ROOT = 'hdfs://nn.example.test:8020/user/etl/apps';
const PROXY_PASSWORD = 'Knox-Password-71';

const applications: Record<string, ApplicationInput> = {
  [`${ROOT}/load`]: {
    appName: 'daily-load',
    actions: [
      { name: 'extract', durationMs: 100, data: { rows: '1200' } },
      { name: 'publish', durationMs: 100, data: { published: 'true' } },
    ],
  },
  [`${ROOT}/failing`]: {
    appName: 'failing-load',
    actions: [
      { name: 'extract', durationMs: 50 },
      {
        name: 'load',
        type: 'hive2',
        durationMs: 50,
        outcome: 'error',
        errorCode: 'E1003',
        errorMessage: 'table sales_stage not found',
      },
    ],
  },
  [`${ROOT}/suspending`]: {
    appName: 'suspending-load',
    actions: [
      { name: 'extract', durationMs: 50 },
      { name: 'load', durationMs: 50, data: { rows: '7' } },
    ],
    suspendAtStep: 2,
  },
  [`${ROOT}/hang`]: {
    appName: 'hanging-load',
    actions: [{ name: 'wait', durationMs: 50, outcome: 'hang' }],
  },
};

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Reads `key=value` lines of the properties output (values without escapes in these tests). */
function propertiesOf(text: string): Record<string, string> {
  const entries = text
    .trim()
    .split('\n')
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

/** Calls `onJob(jobId, child)` once the CLI reports the submitted job running. */
function whenRunning(onJob: (jobId: string, child: ChildProcess) => void) {
  let seen = '';
  let done = false;
  return (text: string, child: ChildProcess) => {
    seen += text;
    const match = /job (\S+-W) RUNNING/.exec(seen);
    if (!done && match) {
      done = true;
      onJob(match[1]!, child);
    }
  };
}

const fast = ['--poll-interval', '20ms'];

describe('knimectl oozie', () => {
  let simulator: RunningOozieSimulator;
  let proxied: RunningOozieSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startOozieSimulator({ clock: new RealClock(1), applications, replaceDefaults: true });
    proxied = await startOozieSimulator({
      clock: new RealClock(1),
      applications,
      replaceDefaults: true,
      proxyBasicAuth: [{ username: 'etl', password: PROXY_PASSWORD }],
    });
    env = { OOZIE_URL: simulator.url, OOZIE_USER: 'etl' };
  });
  afterAll(async () => {
    await simulator.close();
    await proxied.close();
  });

  const jobOf = (id: string) => simulator.simulator.store.jobs.get(id) as { status: string } | undefined;

  it('run exits 0 and prints one JSON document', async () => {
    const result = await runCli(
      ['oozie', 'run', `${ROOT}/load`, '--property', 'day=2026-12-04', '--json', ...fast],
      {
        env,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);

    const document = JSON.parse(result.stdout);
    expect(document.jobId).toMatch(/-W$/);
    expect(document.workflow).toBe('daily-load');
    expect(document.state).toBe('SUCCEEDED');
    expect(document.outcome).toBe('succeeded');
    expect(document.outputs).toEqual({ extract: { rows: '1200' }, publish: { published: 'true' } });
    expect(Date.parse(document.startedAt)).not.toBeNaN();
    expect(Date.parse(document.finishedAt)).toBeGreaterThanOrEqual(Date.parse(document.startedAt));
    expect(document.durationMs).toBeGreaterThanOrEqual(0);
    expect(document.failedNodes).toEqual([]);
  });

  it('run prints properties', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/load`, '--format', 'properties', ...fast], { env });
    expect(result.code, result.stderr).toBe(0);
    const properties = propertiesOf(result.stdout);
    expect(properties.state).toBe('SUCCEEDED');
    expect(properties.outcome).toBe('succeeded');
    expect(properties['output.extract.rows']).toBe('1200');
    if (javaAvailable) expect(loadWithJava(result.stdout)['output.publish.published']).toBe('true');
  });

  it('run reads properties from a job.properties file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knimectl-oozie-'));
    const file = join(dir, 'job.properties');
    writeFileSync(file, '# nightly\nqueueName=etl\nday: 2026-12-04\n');
    const result = await runCli(
      [
        'oozie',
        'run',
        `${ROOT}/load`,
        '--properties',
        `@${file}`,
        '--property',
        'queueName=default',
        '--json',
        ...fast,
      ],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);

    const status = await runCli(['oozie', 'status', JSON.parse(result.stdout).jobId, '--json'], { env });
    expect(status.code).toBe(0);
    const job = simulator.simulator.store.jobs.get(JSON.parse(result.stdout).jobId) as unknown as {
      conf: Map<string, string>;
    };
    expect(job.conf.get('queueName')).toBe('default');
    expect(job.conf.get('day')).toBe('2026-12-04');
  });

  it('run adopts a job with the same external id', async () => {
    const externalId = `cli-test-${Date.now()}`;
    const first = await runCli(
      ['oozie', 'run', `${ROOT}/load`, '--external-id', externalId, '--json', ...fast],
      {
        env,
      },
    );
    const second = await runCli(
      ['oozie', 'run', `${ROOT}/load`, '--external-id', externalId, '--json', ...fast],
      {
        env,
      },
    );
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).jobId).toBe(JSON.parse(first.stdout).jobId);
    expect(second.stderr).toContain('adopted existing Oozie job');
    expect(simulator.simulator.stats.submissionsByExternalId[externalId]).toBe(1);
  });

  it('run exits 1 for a job killed by its kill node', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/failing`, '--json', ...fast], { env });
    expect(result.code).toBe(1);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('KILLED');
    expect(document.outcome).toBe('failed');
    expect(document.failedNodes).toEqual([
      { node: 'load (hive2)', messageType: 'ERROR', message: 'E1003: table sales_stage not found' },
    ]);
    expect(document.error).toContain('table sales_stage not found');
  });

  it('run exits 1 with properties for a failed job', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/failing`, '--format', 'properties', ...fast], {
      env,
    });
    expect(result.code).toBe(1);
    const properties = propertiesOf(result.stdout);
    expect(properties.state).toBe('KILLED');
    expect(properties['failedNodes.0.node']).toBe('load (hive2)');
  });

  it('run exits 5 and kills the job', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/hang`, '--timeout', '300ms', '--json', ...fast], {
      env,
    });
    expect(result.code).toBe(5);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('KILLED');
    expect(document.outcome).toBe('cancelled');
    expect(document.error).toContain('timed out');
    expect(document.error).toContain('kill done');
    expect(jobOf(document.jobId)?.status).toBe('KILLED');
  });

  it('run exits 6 for a job killed elsewhere', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/hang`, '--json', ...fast], {
      env,
      onStderr: whenRunning((jobId) => {
        void fetch(`${simulator.url}/v2/job/${jobId}?action=kill&user.name=etl`, { method: 'PUT' });
      }),
    });
    expect(result.code).toBe(6);
    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('KILLED');
    expect(result.stderr).toContain('killed outside knimectl');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('run kills the job on %s', async (signal, code) => {
    const result = await runCli(['oozie', 'run', `${ROOT}/hang`, '--json', ...fast], {
      env,
      onStderr: whenRunning((_jobId, child) => child.kill(signal)),
    });
    expect(result.code).toBe(code);

    const document = JSON.parse(result.stdout);
    expect(document.error).toContain(`interrupted by ${signal}`);
    expect(document.state).toBe('KILLED');
    expect(jobOf(document.jobId)?.status).toBe('KILLED');
  });

  it('run exits 1 for a suspended job', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/suspending`, '--json', ...fast], { env });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('SUSPENDED');
    expect(document.error).toContain('SUSPENDED');
  });

  it('run resumes a suspended job with --on-suspended resume', async () => {
    const result = await runCli(
      ['oozie', 'run', `${ROOT}/suspending`, '--on-suspended', 'resume', '--json', ...fast],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('SUCCEEDED');
    expect(document.outputs).toEqual({ load: { rows: '7' } });
    expect(simulator.simulator.stats.commands.resume).toBeGreaterThanOrEqual(1);
  });

  it('run exits 8 for an unknown application', async () => {
    const before = simulator.simulator.stats.submissions;
    const result = await runCli(['oozie', 'run', `${ROOT}/nope`], { env });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('E0505');
    expect(simulator.simulator.stats.submissions).toBe(before);
  });

  it('status prints JSON, properties and text', async () => {
    const run = await runCli(['oozie', 'run', `${ROOT}/load`, '--json', ...fast], { env });
    const jobId = JSON.parse(run.stdout).jobId as string;

    const json = await runCli(['oozie', 'status', jobId, '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ jobId, state: 'SUCCEEDED', outcome: 'succeeded' });

    const properties = await runCli(['oozie', 'status', jobId, '--format', 'properties'], { env });
    expect(propertiesOf(properties.stdout)['output.extract.rows']).toBe('1200');

    const human = await runCli(['oozie', 'status', jobId], { env });
    expect(human.stdout).toContain('state:    SUCCEEDED (succeeded)');
  });

  it('status exits 4 for an unknown job', async () => {
    const result = await runCli(['oozie', 'status', '0009999-261204000000000-oozie-sim-W'], { env });
    expect(result.code).toBe(4);
  });

  it('kill kills a running job and skips an ended one', async () => {
    let kill: ReturnType<typeof runCli> | undefined;
    const result = await runCli(['oozie', 'run', `${ROOT}/hang`, '--json', ...fast], {
      env,
      onStderr: whenRunning((jobId) => {
        kill = runCli(['oozie', 'kill', jobId], { env });
      }),
    });
    const killed = await kill!;
    expect(killed.code).toBe(0);
    expect(killed.stderr).toContain('RUNNING → KILLED');
    expect(result.code).toBe(6);
    const jobId = JSON.parse(result.stdout).jobId as string;
    expect(jobOf(jobId)?.status).toBe('KILLED');

    const again = await runCli(['oozie', 'kill', jobId], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('has already ended (KILLED)');
  });

  it('exits 3 for a wrong proxy password', async () => {
    const result = await runCli(['oozie', 'status', '0000001-x-W', '--password-stdin'], {
      env: { OOZIE_URL: proxied.url, OOZIE_USER: 'etl' },
      stdin: 'wrong-password\n',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('wrong-password');
  });

  it('sends the proxy password from stdin, never argv', async () => {
    const result = await runCli(
      ['oozie', 'run', `${ROOT}/load`, '--password-stdin', '--debug', '--json', ...fast],
      {
        env: { OOZIE_URL: proxied.url, OOZIE_USER: 'etl' },
        stdin: `${PROXY_PASSWORD}\n`,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.cmdline).not.toContain(PROXY_PASSWORD);
    expect(result.stderr).not.toContain(PROXY_PASSWORD);
    expect(result.stdout).not.toContain(PROXY_PASSWORD);
  });

  it('takes the password from OOZIE_PASSWORD', async () => {
    const result = await runCli(['oozie', 'run', `${ROOT}/load`, ...fast], {
      env: { OOZIE_URL: proxied.url, OOZIE_USER: 'etl', OOZIE_PASSWORD: PROXY_PASSWORD },
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it('exits 7 when the server is unreachable', async () => {
    const port = await closedPort();
    const result = await runCli(['oozie', 'run', `${ROOT}/load`, '--retries', '0'], {
      env: { ...env, OOZIE_URL: `http://127.0.0.1:${port}/oozie` },
    });
    expect(result.code).toBe(7);
  });

  it.each([
    [['oozie', 'run', `${ROOT}/load`, '--timeout', '5'], '--timeout'],
    [['oozie', 'run', `${ROOT}/load`, '--property', 'queueName'], 'NAME=VALUE'],
    [['oozie', 'run', `${ROOT}/load`, '--on-suspended', 'ignore'], 'ignore'],
    [['oozie', 'run', `${ROOT}/load`, '--properties', '{"a":{}}'], 'property "a"'],
  ])('exits 2 for invalid flags %#', async (args, named) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
  });

  it('orders flag, environment and profile', async () => {
    const home = freshHome();
    const configDir = join(home, '.config', 'knimectl');
    mkdirSync(configDir, { recursive: true });
    const configFile = join(configDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        defaultProfile: 'hadoop',
        profiles: { hadoop: { oozie: simulator.url, user: 'etl' } },
      }),
    );
    chmodSync(configFile, 0o600);
    const port = await closedPort();
    const closedUrl = `http://127.0.0.1:${port}/oozie`;
    const args = ['oozie', 'status', '0009999-261204000000000-oozie-sim-W', '--retries', '0'];

    const noUrl = await runCli(args);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('OOZIE_URL');

    const fromDefaultProfile = await runCli(args, { env: { HOME: home } });
    expect(fromDefaultProfile.code).toBe(4);

    const envWins = await runCli(args, { env: { HOME: home, OOZIE_URL: closedUrl } });
    expect(envWins.code).toBe(7);

    const flagWins = await runCli([...args, '--url', simulator.url], {
      env: { HOME: home, OOZIE_URL: closedUrl },
    });
    expect(flagWins.code).toBe(4);
  });

  it('documents units and defaults in --help', async () => {
    const result = await runCli(['oozie', 'run', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('units ms, s, m, h');
    expect(result.stdout).toContain('(default: "1s")');
    expect(result.stdout).toContain('OOZIE_PASSWORD');
  });
});
