import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { freshHome, runCli, spawnCli } from './helpers.js';
import {
  buildJobsWorkspace,
  connectionEnv,
  startSimulator,
  tableInput,
  testUser,
} from './support/simulator.js';

const input = `input-2=${JSON.stringify(tableInput)}`;

describe('knimectl secrets', () => {
  let simulator: RunningServerSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSimulator(await buildJobsWorkspace());
    env = connectionEnv(simulator.url);
  });
  afterAll(async () => {
    await simulator.close();
  });

  const cases: Array<[string, string[]]> = [
    ['run --debug', ['run', '/Jobs/Echo', '--input', input, '--debug']],
    ['run --json --debug', ['run', '/Jobs/Echo', '--input', input, '--json', '--debug']],
    ['failed run --debug', ['run', '/Jobs/Failing', '--debug', '--format', 'properties']],
    ['jobs --debug', ['jobs', '--debug', '--json']],
    ['invalid input --debug', ['run', '/Jobs/Echo', '--input', 'nope=1', '--debug']],
  ];

  for (const [name, args] of cases) {
    it(`hides the password: ${name}`, async () => {
      const result = await runCli(args, { env });
      expect(result.stderr).toContain('debug:');
      expect(result.stdout).not.toContain(testUser.password);
      expect(result.stderr).not.toContain(testUser.password);
      expect(result.cmdline).toContain('bin.js');
      expect(result.cmdline).not.toContain(testUser.password);
    });
  }

  it('hides a stdin password', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input, '--password-stdin', '--debug'], {
      env: { ...env, KNIME_PASSWORD: undefined },
      stdin: testUser.password,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('password from flag (redacted)');
    expect(result.stdout + result.stderr + result.cmdline).not.toContain(testUser.password);
  });

  it('hides a wrong password', async () => {
    const wrong = 'Wrong-Password-77';
    const result = await runCli(['ls', '--debug'], { env: { ...env, KNIME_PASSWORD: wrong } });
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('hides the Authorization header', async () => {
    const result = await runCli(['ls', '--debug'], { env });
    const basic = Buffer.from(`${testUser.name}:${testUser.password}`).toString('base64');
    expect(result.stderr).not.toContain(basic);
  });
});

describe('knimectl connection precedence', () => {
  let simulator: RunningServerSimulator;
  let home: string;
  const deadUrl = 'http://127.0.0.1:1/knime';

  beforeAll(async () => {
    simulator = await startSimulator(await buildJobsWorkspace());
    home = freshHome();
    const config = {
      defaultProfile: 'good',
      profiles: {
        good: { server: simulator.url, user: testUser.name, password: testUser.password },
        dead: { server: deadUrl, user: testUser.name, password: testUser.password },
        wrongpw: { server: simulator.url, user: testUser.name, password: 'Wrong-Password-1' },
      },
    };
    const folder = join(home, '.config', 'knimectl');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(join(folder, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  const ls = (args: string[], extraEnv: Record<string, string | undefined> = {}) =>
    runCli(['ls', '--retries', '0', '--debug', ...args], { env: { HOME: home, ...extraEnv } });

  it('uses the default profile', async () => {
    const result = await ls([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('(from profile)');
    expect(result.stderr).toContain('profile good');
  });

  it('lets KNIME_PROFILE pick a profile', async () => {
    const result = await ls([], { KNIME_PROFILE: 'dead' });
    expect(result.code).toBe(7);
  });

  it('lets --profile beat KNIME_PROFILE', async () => {
    const result = await ls(['--profile', 'good'], { KNIME_PROFILE: 'dead' });
    expect(result.code).toBe(0);
  });

  it('lets env beat the profile', async () => {
    const result = await ls(['--profile', 'dead'], { KNIME_SERVER_URL: simulator.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`server ${simulator.url} (from env)`);
  });

  it('lets --server beat env', async () => {
    const result = await ls(['--server', simulator.url], { KNIME_SERVER_URL: deadUrl });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('(from flag)');
  });

  it('lets KNIME_PASSWORD beat the profile', async () => {
    const fixed = await ls(['--profile', 'wrongpw'], { KNIME_PASSWORD: testUser.password });
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toContain('password from env (redacted)');

    const broken = await ls(['--profile', 'good'], { KNIME_PASSWORD: 'Wrong-Password-1' });
    expect(broken.code).toBe(3);
  });

  it('lets --password-file beat KNIME_PASSWORD', async () => {
    const file = join(home, 'pw');
    writeFileSync(file, testUser.password);
    const result = await ls(['--password-file', file], { KNIME_PASSWORD: 'Wrong-Password-1' });
    expect(result.code).toBe(0);
  });

  it('exits 2 for an unknown profile', async () => {
    const result = await ls(['--profile', 'missing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('known profiles: dead, good, wrongpw');
  });
});

describe('knimectl simulator command', () => {
  it('keeps simulator passwords out of argv', async () => {
    const password = 'Sim-Secret-Pw-9';
    const simulator = spawnCli(['simulator', '--port', '0', '--workspace', freshHome()], {
      env: { KNIME_SIMULATOR_USERS: `bob:${password}` },
    });
    const url = await simulator.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/knime$/);
    expect(simulator.cmdline).toContain('simulator');
    expect(simulator.cmdline).not.toContain(password);

    const listed = await runCli(['ls'], {
      env: { KNIME_SERVER_URL: url, KNIME_USER: 'bob', KNIME_PASSWORD: password },
    });
    expect(listed.code).toBe(0);
    const rejected = await runCli(['ls', '--retries', '0'], {
      env: { KNIME_SERVER_URL: url, KNIME_USER: 'bob', KNIME_PASSWORD: 'not-it' },
    });
    expect(rejected.code).toBe(3);

    simulator.child.kill('SIGTERM');
    const result = await simulator.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('users: bob');
    expect(result.stdout + result.stderr).not.toContain(password);
    expect(result.stderr).toContain('stopping the simulator');
    expect(result.stderr).not.toContain('SIGTERM');
  });

  it('exits 2 on a malformed user', async () => {
    const result = await runCli(['simulator', '--port', '0', '--user', 'bob']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected name:password');
  });
});
