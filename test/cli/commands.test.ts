import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { runCli } from './helpers.js';
import { connectionEnv, demoWorkspace, demoWorkspaceExists, startSimulator } from './support/simulator.js';

const describeWithDemo = demoWorkspaceExists
  ? describe
  : describe.skip.bind(describe, 'knimectl job commands (skipped: demo/workspace not found)');

describeWithDemo('knimectl job commands', () => {
  let simulator: RunningServerSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSimulator(demoWorkspace, 20);
    env = connectionEnv(simulator.url);
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('lists the repository', async () => {
    const result = await runCli(['ls', '/Demo'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain('/Demo/Hello World');
  });

  it('lists the repository as JSON', async () => {
    const result = await runCli(['ls', '-R', '--json'], { env });
    expect(result.code).toBe(0);
    const paths = (JSON.parse(result.stdout) as Array<{ path: string }>).map((entry) => entry.path);
    expect(paths).toContain('/Demo/Failing Workflow');
  });

  it('exits 4 listing a missing folder', async () => {
    const result = await runCli(['ls', '/Nope'], { env });
    expect(result.code).toBe(4);
  });

  it('describes a workflow', async () => {
    const result = await runCli(['describe', '/Demo/Hello World'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('name - Name to greet');
    expect(result.stdout).toContain('example: "World"');
    expect(result.stdout).toContain(`knimectl run '/Demo/Hello World' --input name='"World"'`);
  });

  it('describes a workflow as JSON', async () => {
    const result = await runCli(['describe', '/Demo/Hello World', '--json'], { env });
    const description = JSON.parse(result.stdout);
    expect(description.inputs[0].name).toBe('name');
    expect(description.outputs[0].name).toBe('greeting');
  });

  it('starts, waits and reads outputs', async () => {
    const started = await runCli(['start', '/Demo/Hello World', '--input', 'name="Start"'], { env });
    expect(started.code).toBe(0);
    const jobId = started.stdout.trim();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.stderr).toContain(`knimectl wait ${jobId}`);

    const waited = await runCli(['wait', jobId, '--json', '--discard', 'never'], { env });
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout).outputs).toEqual({ greeting: 'Hello, Start!' });

    const status = await runCli(['status', jobId], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('state:    EXECUTION_FINISHED (succeeded)');

    const outputs = await runCli(['outputs', jobId, '--format', 'properties'], { env });
    expect(outputs.code).toBe(0);
    expect(outputs.stdout).toContain('output.greeting=Hello, Start!\n');

    const listed = await runCli(
      ['jobs', '--workflow', '/Demo/Hello World', '--state', 'succeeded', '--json'],
      { env },
    );
    expect((JSON.parse(listed.stdout) as Array<{ jobId: string }>).map((job) => job.jobId)).toContain(jobId);

    const discarded = await runCli(['discard', jobId], { env });
    expect(discarded.code).toBe(0);
    expect(simulator.simulator.engine.getJob(jobId)).toBeUndefined();

    const again = await runCli(['discard', jobId], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('warning:');
  });

  it('warns once discarding a gone job', async () => {
    const started = await runCli(['start', '/Demo/Hello World', '--input', 'name="Gone"'], { env });
    const jobId = started.stdout.trim();
    expect((await runCli(['discard', jobId], { env })).code).toBe(0);

    const again = await runCli(['discard', jobId], { env });
    expect(again.code).toBe(0);
    const warnings = again.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(jobId);
    expect(warnings[0]).not.toContain('{');

    const debug = await runCli(['--debug', 'discard', jobId], { env });
    expect(debug.stderr).toContain(`{"jobId":"${jobId}"}`);
  });

  it('prints the discard hint once', async () => {
    const result = await runCli(['run', '/Demo/Failing Workflow', '--json'], { env });
    expect(result.code).toBe(1);
    const { jobId } = JSON.parse(result.stdout) as { jobId: string };
    expect(result.stderr).toContain(`kept job ${jobId} (--discard on-success)`);
    expect(result.stderr.split(`knimectl discard ${jobId}`)).toHaveLength(2);
    await runCli(['discard', jobId], { env });
  });

  it('exits 8 on a number for a string input', async () => {
    const created = simulator.simulator.stats.jobsCreated;
    const result = await runCli(['run', '/Demo/Hello World', '--input', 'name=42'], { env });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('input `name` of /Demo/Hello World expects a JSON string');
    expect(result.stderr).toContain('the value is 42');
    expect(result.stderr).toContain(`--input name='"42"'`);
    expect(result.stdout).toBe('');
    expect(simulator.simulator.stats.jobsCreated).toBe(created);
  });

  it('starts asynchronously', async () => {
    const started = await runCli(['start', '/Demo/Slow Job', '--async', '--json'], { env });
    expect(started.code).toBe(0);
    const jobId = JSON.parse(started.stdout).jobId;

    const cancelled = await runCli(['cancel', jobId, '--discard'], { env });
    expect(cancelled.code).toBe(0);
    expect(simulator.simulator.engine.getJob(jobId)).toBeUndefined();
  });

  it('filters jobs by state', async () => {
    const started = await runCli(['start', '/Demo/Slow Job'], { env });
    const jobId = started.stdout.trim();
    const running = await runCli(['jobs', '--state', 'EXECUTING'], { env });
    expect(running.stdout).toContain(jobId);
    const finished = await runCli(['jobs', '--state', 'EXECUTION_FINISHED'], { env });
    expect(finished.stdout).not.toContain(jobId);
    await runCli(['cancel', jobId, '--discard'], { env });
  });

  it('exits 4 for an unknown job', async () => {
    const result = await runCli(['status', '00000000-0000-4000-8000-000000000000'], { env });
    expect(result.code).toBe(4);
  });

  it('exits 8 when the server rejects an input', async () => {
    // A JSON object passes the local type check, so only the server finds the missing table-data.
    const result = await runCli(
      ['run', '/Demo/Sales Report', '--input', 'sales={"rows":[]}', '--input', 'region="EMEA"'],
      { env },
    );
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('HTTP 400');
    expect(result.stderr).toContain('"table-data" is required');
  });

  it('uploads and downloads files', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'knimectl-files-'));
    writeFileSync(join(folder, 'lines.csv'), 'a,b\n1,2\n');
    const outDir = join(folder, 'out');
    const result = await runCli(
      [
        'run',
        '/Demo/File Convert',
        '--input',
        'line-count-3={"integer":5}',
        '--file',
        `file-upload=@${join(folder, 'lines.csv')}`,
        '--output-dir',
        outDir,
        '--json',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(Object.keys(document.files)).toEqual(['converted']);
    expect(readFileSync(document.files.converted, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(outDir)).toHaveLength(1);
  });
});
