import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type SpawnedCli, spawnCli } from './helpers.js';
import { demoWorkspaceExists } from './support/simulator.js';

const credentials = { id: 'app-pw-1', secret: 'Hub-Secret-Pw-3' };
const helloWorld = '/Users/Simulated Team/Demo/Hello World';

const describeWithDemo = demoWorkspaceExists
  ? describe
  : describe.skip.bind(describe, 'knimectl against a Hub (skipped: demo/workspace not found)');

describeWithDemo('knimectl against a Hub', () => {
  let simulator: SpawnedCli;
  let url: string;

  beforeAll(async () => {
    simulator = spawnCli(['simulator', '--hub', '--port', '0', '--time-scale', '20'], {
      env: { KNIME_SIMULATOR_USERS: `${credentials.id}:${credentials.secret}` },
    });
    url = await simulator.firstLine;
  });
  afterAll(async () => {
    simulator.child.kill('SIGTERM');
    await simulator.done;
  });

  it('runs a workflow with --hub', async () => {
    const result = await runCli(
      ['run', helloWorld, '--hub', url, '--user', credentials.id, '--input', 'name="Hub"', '--json'],
      {
        env: { KNIME_PASSWORD: credentials.secret },
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).outputs).toEqual({ greeting: 'Hello, Hub!' });
    expect(simulator.cmdline).not.toContain(credentials.secret);
  });

  it('reads KNIME_HUB_URL', async () => {
    const result = await runCli(['ls', '/Users/Simulated Team/Demo', '--debug'], {
      env: { KNIME_HUB_URL: url, KNIME_USER: credentials.id, KNIME_PASSWORD: credentials.secret },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(helloWorld);
    expect(result.stderr).toContain(`hub ${url} (from env)`);
    expect(result.stderr).not.toContain(credentials.secret);
  });

  it('exits 3 on a wrong secret', async () => {
    const result = await runCli(['ls', '--retries', '0'], {
      env: { KNIME_HUB_URL: url, KNIME_USER: credentials.id, KNIME_PASSWORD: 'not-the-secret' },
    });
    expect(result.code).toBe(3);
  });

  it('exits 2 for --server with --hub', async () => {
    const result = await runCli(['ls', '--server', 'http://127.0.0.1:1/knime', '--hub', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--server and --hub are both set');
  });
});
