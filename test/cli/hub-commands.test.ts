/**
 * The CLI against the Hub simulator on a loopback socket: application-password sources, the Hub
 * flags of run and start, the deployments and execution-contexts commands, the job commands, and
 * the capacity error.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHubSimulator, startHubSimulator } from '../../src/simulator/hub/index.js';
import { ALICE_PASSWORD, createDeployment, hubPath, TEAM, WORKFLOWS } from '../hub/support.js';
import { buildWorkspace } from '../simulator/engine/workspace-builder.js';
import { freshHome, runCli } from './helpers.js';

const greeter = hubPath('/Services/Greeter');

describe('knimectl hub commands', () => {
  let running: RunningHubSimulator;
  let deploymentId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    running = await startHubSimulator({
      workspace: buildWorkspace(WORKFLOWS),
      port: 0,
      seed: 11,
      timeScale: 50,
      users: [{ name: 'alice', applicationPasswords: [ALICE_PASSWORD], teams: [TEAM] }],
      teams: [{ name: TEAM }],
      executionContexts: [
        { name: 'Shared' },
        { name: 'Busy', status: 'full', maxLoadedJobs: 0 },
        { name: 'Halted', status: 'stopped' },
        { name: 'Closed', status: 'disabled' },
      ],
      itemVersions: { '/Services/Greeter': [{ version: 1, title: 'First' }] },
      outputResourceDelivery: 'redirect',
    });
    deploymentId = await createDeployment(running.simulator, '/Services/Greeter', {
      name: 'Greeter service',
    });
    env = {
      KNIME_HUB_URL: running.url,
      KNIME_APP_PASSWORD_ID: ALICE_PASSWORD.pwId,
      KNIME_APP_PASSWORD: ALICE_PASSWORD.password,
    };
  });
  afterAll(async () => {
    await running.close();
  });

  describe('credentials', () => {
    it('reads KNIME_APP_PASSWORD_ID and KNIME_APP_PASSWORD', async () => {
      const result = await runCli(['ls', hubPath('/Services'), '--debug'], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(greeter);
      expect(result.stderr).toContain(`user ${ALICE_PASSWORD.pwId} (from env)`);
      expect(result.stderr).not.toContain(ALICE_PASSWORD.password);
    });

    it('prefers KNIME_APP_PASSWORD over KNIME_PASSWORD', async () => {
      const result = await runCli(['ls', hubPath('/Services')], {
        env: { ...env, KNIME_USER: 'someone-else', KNIME_PASSWORD: 'a-server-password' },
      });
      expect(result.code).toBe(0);
    });

    it('reads the secret from --password-stdin', async () => {
      const result = await runCli(
        ['ls', hubPath('/Services'), '--hub', running.url, '--user', ALICE_PASSWORD.pwId, '--password-stdin'],
        {
          stdin: `${ALICE_PASSWORD.password}\n`,
        },
      );
      expect(result.code).toBe(0);
      expect(result.cmdline).not.toContain(ALICE_PASSWORD.password);
    });

    it('reads the secret from --password-file', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'knimectl-hub-')), 'secret');
      writeFileSync(file, `${ALICE_PASSWORD.password}\n`, { mode: 0o600 });
      const result = await runCli(
        ['ls', hubPath('/Services'), '--hub', running.url, '--password-file', file],
        {
          env: { KNIME_APP_PASSWORD_ID: ALICE_PASSWORD.pwId },
        },
      );
      expect(result.code).toBe(0);
    });

    it('reads appPasswordId from the profile', async () => {
      const home = freshHome();
      const folder = join(home, '.config', 'knimectl');
      mkdirSync(folder, { recursive: true });
      const config = {
        defaultProfile: 'hub',
        profiles: {
          hub: { hub: running.url, appPasswordId: ALICE_PASSWORD.pwId, password: ALICE_PASSWORD.password },
        },
      };
      writeFileSync(join(folder, 'config.json'), JSON.stringify(config), { mode: 0o600 });
      const result = await runCli(['ls', hubPath('/Services'), '--debug'], { env: { HOME: home } });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`user ${ALICE_PASSWORD.pwId} (from profile)`);
      expect(result.stderr).toContain('password from profile (redacted)');
      expect(result.stderr).not.toContain(ALICE_PASSWORD.password);
    });

    it('exits 3 on a wrong secret', async () => {
      const result = await runCli(['deployments', '--retries', '0'], {
        env: { ...env, KNIME_APP_PASSWORD: 'not-the-secret' },
      });
      expect(result.code).toBe(3);
      expect(result.stderr).not.toContain('not-the-secret');
    });
  });

  describe('execution-contexts', () => {
    it('lists contexts with capacity as JSON', async () => {
      const result = await runCli(['execution-contexts', '--json'], { env });
      expect(result.code).toBe(0);
      const contexts = JSON.parse(result.stdout) as Array<{ name: string; status: string; id: string }>;
      const statuses = Object.fromEntries(contexts.map((context) => [context.name, context.status]));
      expect(statuses).toEqual({ Shared: 'available', Busy: 'full', Halted: 'stopped', Closed: 'disabled' });
      expect(contexts[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('prints a table', async () => {
      const result = await runCli(['execution-contexts', '--team', TEAM], { env });
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+LOADED\s+EXECUTORS\s+NAME$/);
      expect(result.stdout).toMatch(/full .*Busy/);
    });

    it('exits 2 on a KNIME Server', async () => {
      const result = await runCli(['execution-contexts', '--server', 'http://127.0.0.1:9/knime']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('exists only on a KNIME Business Hub');
    });
  });

  describe('deployments', () => {
    it('lists deployments as JSON', async () => {
      const result = await runCli(['deployments', '--json'], { env });
      expect(result.code).toBe(0);
      const list = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({
        id: deploymentId,
        name: 'Greeter service',
        type: 'rest',
        space: 'Services',
        workflowPath: greeter,
      });
    });

    it('filters by team and space', async () => {
      const inSpace = await runCli(['deployments', '--team', TEAM, '--space', 'Services'], { env });
      expect(inSpace.code).toBe(0);
      expect(inSpace.stdout).toContain(deploymentId);

      const elsewhere = await runCli(['deployments', '--space', 'Elsewhere', '--json'], { env });
      expect(elsewhere.code).toBe(0);
      expect(JSON.parse(elsewhere.stdout)).toEqual([]);
    });

    it('rejects an unknown team', async () => {
      const result = await runCli(['deployments', '--team', 'No Such Team'], { env });
      expect(result.code).toBe(8);
      expect(result.stderr).toContain('unknown scope "No Such Team"');
    });
  });

  describe('run and start', () => {
    const input = ['--input', 'json-input={"name":"Ada"}'];

    it('runs a deployment by name within a team', async () => {
      const result = await runCli(
        ['run', '--deployment', 'Greeter service', '--team', TEAM, '--space', 'Services', ...input, '--json'],
        { env },
      );
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document.outputs).toEqual({ 'json-output': 'Hello, Ada!' });
      expect(document.outcome).toBe('succeeded');
    });

    it('runs a deployment by id', async () => {
      const result = await runCli(['run', '--deployment', deploymentId, ...input, '--json'], { env });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).outputs).toEqual({ 'json-output': 'Hello, Ada!' });
    });

    it('exits 4 for an unknown deployment name', async () => {
      const result = await runCli(['run', '--deployment', 'Nope'], { env });
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('no deployment named "Nope"');
      expect(result.stderr).toContain('"Greeter service"');
    });

    it('runs an item version in a named context', async () => {
      const result = await runCli(
        ['run', greeter, '--item-version', '1', '--execution-context', 'shared', ...input, '--json'],
        { env },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).outputs).toEqual({ 'json-output': 'Hello, Ada!' });
    });

    it('exits 4 for an unknown context name', async () => {
      const result = await runCli(['run', greeter, '--execution-context', 'Nowhere'], { env });
      expect(result.code).toBe(4);
      for (const name of ['"Shared"', '"Busy"', '"Halted"']) expect(result.stderr).toContain(name);
    });

    it('exits 7 when the context is full', async () => {
      const result = await runCli(
        ['run', greeter, '--execution-context', 'Busy', '--load-timeout', '2s', ...input],
        { env },
      );
      expect(result.code).toBe(7);
      expect(result.stderr).toContain('full capacity');
      expect(result.stderr).toContain('knimectl execution-contexts');
    });

    it('exits 7 when the context is stopped', async () => {
      const result = await runCli(
        ['start', greeter, '--execution-context', 'Halted', '--load-timeout', '2s', ...input],
        { env },
      );
      expect(result.code).toBe(7);
      expect(result.stderr).toContain('Halted');
    });

    it('exits 7 when the context is disabled', async () => {
      const result = await runCli(['run', greeter, '--execution-context', 'Closed', ...input], { env });
      expect(result.code).toBe(7);
      expect(result.stderr).toContain('Closed');
    });

    it('reports INTERACTION_REQUIRED without waiting', async () => {
      const result = await runCli(['run', hubPath('/Services/Interactive'), '--timeout', '1h'], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('INTERACTION_REQUIRED');
    });

    it('exits 1 for a failing workflow', async () => {
      const result = await runCli(['run', hubPath('/Services/Failing'), '--json'], { env });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).outcome).toBe('failed');
    });

    it('exits 2 without a workflow or deployment', async () => {
      const result = await runCli(['run'], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('missing workflow');
    });

    it('exits 2 for a workflow and a deployment', async () => {
      const result = await runCli(['run', greeter, '--deployment', deploymentId], { env });
      expect(result.code).toBe(2);
    });

    it('exits 2 for --team without --deployment', async () => {
      const result = await runCli(['run', greeter, '--team', TEAM], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--team only narrow the lookup');
    });

    it('exits 2 for a context with a deployment', async () => {
      const result = await runCli(['run', '--deployment', deploymentId, '--execution-context', 'Shared'], {
        env,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--execution-context cannot be combined with --deployment');
    });

    it('exits 2 for Hub flags on a KNIME Server', async () => {
      const result = await runCli(['run', '/Demo/Hello World', '--item-version', '2'], {
        env: { KNIME_SERVER_URL: 'http://127.0.0.1:9/knime' },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--item-version exists only on a KNIME Business Hub');
    });

    it('keeps knimectl --version', async () => {
      const result = await runCli(['--version']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
    });
  });

  describe('job commands', () => {
    it('starts, waits and downloads outputs', async () => {
      const started = await runCli(['start', hubPath('/Services/Files'), '--json'], { env });
      expect(started.code).toBe(0);
      const jobId = JSON.parse(started.stdout).jobId as string;

      const waited = await runCli(['wait', jobId, '--discard', 'never', '--json'], { env });
      expect(waited.code).toBe(0);
      expect(JSON.parse(waited.stdout).outcome).toBe('succeeded');

      const status = await runCli(['status', jobId, '--format', 'properties'], { env });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`jobId=${jobId}`);

      const listed = await runCli(['jobs', '--workflow', hubPath('/Services/Files'), '--json'], { env });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout).map((job: { jobId: string }) => job.jobId)).toContain(jobId);

      const folder = mkdtempSync(join(tmpdir(), 'knimectl-hub-out-'));
      const outputs = await runCli(['outputs', jobId, '--output-dir', folder, '--json'], { env });
      expect(outputs.code).toBe(0);
      const files = JSON.parse(outputs.stdout).files as Record<string, string>;
      expect(readFileSync(files.report!, 'utf8')).toBe('region,total\nEMEA,10\n');

      const discarded = await runCli(['discard', jobId], { env });
      expect(discarded.code).toBe(0);
      const gone = await runCli(['status', jobId], { env });
      expect(gone.code).toBe(4);
    });

    it('cancels a running job', async () => {
      const started = await runCli(['start', hubPath('/Services/Long')], { env });
      expect(started.code).toBe(0);
      const jobId = started.stdout.trim();

      const cancelled = await runCli(['cancel', jobId], { env });
      expect(cancelled.code).toBe(0);
      const waited = await runCli(['wait', jobId, '--json'], { env });
      expect(waited.code).toBe(6);
      expect(JSON.parse(waited.stdout).outcome).toBe('cancelled');
    });

    it('describes a deployment', async () => {
      const result = await runCli(['describe', deploymentId, '--json'], { env });
      expect(result.code).toBe(0);
      const description = JSON.parse(result.stdout);
      expect(description.inputs.map((inputParameter: { name: string }) => inputParameter.name)).toEqual([
        'json-input',
      ]);
    });

    it('describes a deployment by name', async () => {
      const result = await runCli(['describe', `deployment:Greeter service?scope=${TEAM}`], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('json-input');
    });

    it('describes an item version', async () => {
      const result = await runCli(['describe', `${greeter}?itemVersion=1`], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('json-input');
    });
  });

  describe('pipelines', () => {
    it('runs a knime step on a Hub profile', async () => {
      const home = freshHome();
      const folder = mkdtempSync(join(tmpdir(), 'knimectl-hub-pipe-'));
      mkdirSync(join(home, '.config', 'knimectl'), { recursive: true, mode: 0o700 });
      writeFileSync(
        join(home, '.config', 'knimectl', 'config.json'),
        JSON.stringify({ profiles: { hub: { hub: running.url, appPasswordId: ALICE_PASSWORD.pwId } } }),
        { mode: 0o600 },
      );
      writeFileSync(
        join(folder, 'pipeline.yaml'),
        `name: hub-greeting\nsteps:\n  greet:\n    kind: knime\n    with:\n      connection: hub\n      workflow: ${greeter}\n      inputs: { json-input: { name: Pipe } }\n`,
      );

      const result = await runCli(['pipeline', 'run', 'pipeline.yaml', '--json'], {
        env: { HOME: home, KNIMECTL_PASSWORD_HUB: ALICE_PASSWORD.password },
        cwd: folder,
      });
      expect(result.stderr).not.toContain(ALICE_PASSWORD.password);
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
      expect(document.outcome).toBe('succeeded');
      expect(document.steps[0].outputs['json-output']).toBe('Hello, Pipe!');
    });
  });
});
