import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServerSimulator } from '../../src/simulator/index.js';
import { runCli } from './helpers.js';
import {
  buildJobsWorkspace,
  connectionEnv,
  startSimulator,
  tableInput,
  testUser,
} from './support/simulator.js';

/** Finds a TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('knimectl run against the simulator', () => {
  let simulator: RunningServerSimulator;
  let env: Record<string, string>;
  const input = `input-2=${JSON.stringify(tableInput)}`;

  beforeAll(async () => {
    simulator = await startSimulator(await buildJobsWorkspace());
    env = connectionEnv(simulator.url);
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('exits 0 and prints outputs', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ 'output-1': tableInput });
    expect(result.stderr).toContain('EXECUTION_FINISHED');
    expect(result.stderr).toMatch(/discarded job [0-9a-f-]{36}/);
  });

  it('prints one JSON document', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input, '--json'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);

    const document = JSON.parse(result.stdout);
    expect(document.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(document.workflow).toBe('/Jobs/Echo');
    expect(document.state).toBe('EXECUTION_FINISHED');
    expect(document.outcome).toBe('succeeded');
    expect(document.outputs).toEqual({ 'output-1': tableInput });
    expect(Date.parse(document.startedAt)).not.toBeNaN();
    expect(Date.parse(document.finishedAt)).toBeGreaterThanOrEqual(Date.parse(document.startedAt));
    expect(document.durationMs).toBeGreaterThanOrEqual(0);
    expect(document.failedNodes).toEqual([]);
    expect(document.discarded).toBe(true);
    expect(simulator.simulator.engine.getJob(document.jobId)).toBeUndefined();
  });

  it('prints properties', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input, '--format', 'properties'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('state=EXECUTION_FINISHED\n');
    expect(result.stdout).toContain('outcome=succeeded\n');
    expect(result.stdout).toContain('output.output-1.table-data.0.0=Z\\u00fcrich\n');
    expect(result.stdout).toContain('output.output-1.table-spec.0.city=string\n');
  });

  it('reads an input from a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'knimectl-in-'));
    writeFileSync(join(folder, 'table.json'), JSON.stringify(tableInput));
    const result = await runCli(
      ['run', '/Jobs/Echo', '--input', `input-2=@${join(folder, 'table.json')}`, '--json'],
      {
        env,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).outputs).toEqual({ 'output-1': tableInput });
  });

  it('reads all inputs from a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'knimectl-in-'));
    writeFileSync(join(folder, 'inputs.json'), JSON.stringify({ input: tableInput }));
    const result = await runCli(
      ['run', '/Jobs/Echo', '--inputs', `@${join(folder, 'inputs.json')}`, '--json'],
      { env },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).outputs).toEqual({ 'output-1': tableInput });
  });

  it('lets --input override --inputs', async () => {
    const other = { 'table-data': [['Bern']] };
    const result = await runCli(
      [
        'run',
        '/Jobs/Echo',
        '--inputs',
        JSON.stringify({ 'input-2': tableInput }),
        '--input',
        `input-2=${JSON.stringify(other)}`,
        '--json',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).outputs['output-1']['table-data']).toEqual([['Bern']]);
  });

  it('exits 1 when the job fails', async () => {
    const result = await runCli(['run', '/Jobs/Failing', '--json'], { env });
    expect(result.code).toBe(1);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('EXECUTION_FAILED');
    expect(document.outcome).toBe('failed');
    expect(document.outputs).toEqual({});
    expect(document.failedNodes).toEqual([
      {
        node: 'Column Filter 0:12',
        messageType: 'ERROR',
        message: 'Execute failed: Column "churn" not found',
      },
    ]);
    expect(document.discarded).toBe(false);
    expect(result.stderr).toContain('Column "churn" not found');
    expect(result.stderr).toContain(`knimectl discard ${document.jobId}`);
    expect(simulator.simulator.engine.getJob(document.jobId)?.state).toBe('EXECUTION_FAILED');
  });

  it('discards a failed job with --discard always', async () => {
    const result = await runCli(['run', '/Jobs/Failing', '--json', '--discard', 'always'], { env });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.discarded).toBe(true);
    expect(simulator.simulator.engine.getJob(document.jobId)).toBeUndefined();
  });

  it('keeps a succeeded job with --discard never', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input, '--json', '--discard', 'never'], {
      env,
    });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.discarded).toBe(false);
    expect(simulator.simulator.engine.getJob(document.jobId)?.state).toBe('EXECUTION_FINISHED');
  });

  it('keeps a succeeded job with --discard on-failure', async () => {
    const result = await runCli(
      ['run', '/Jobs/Echo', '--input', input, '--json', '--discard', 'on-failure'],
      { env },
    );
    expect(result.code).toBe(0);
    expect(simulator.simulator.engine.getJob(JSON.parse(result.stdout).jobId)).toBeDefined();
  });

  it('exits 3 on a wrong password', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input], {
      env: { ...env, KNIME_PASSWORD: 'Wrong-Password-1' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('KNIME_PASSWORD');
    expect(result.stderr).not.toContain('Wrong-Password-1');
  });

  it('exits 4 for a missing workflow', async () => {
    const created = simulator.simulator.stats.jobsCreated;
    const result = await runCli(['run', '/Jobs/Nope'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('/Jobs/Nope');
    expect(result.stderr).toContain('knimectl ls');
    expect(simulator.simulator.stats.jobsCreated).toBe(created);
  });

  it('prints a JSON error document before any job exists', async () => {
    const missing = await runCli(['run', '/Jobs/Nope', '--json'], { env });
    expect(missing.code).toBe(4);
    const document = JSON.parse(missing.stdout);
    expect(document.exitCode).toBe(4);
    expect(document.error.message).toContain('/Jobs/Nope');

    const badInput = await runCli(['run', '/Jobs/Echo', '--input', 'input-3={}', '--json'], { env });
    expect(badInput.code).toBe(8);
    expect(badInput.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(badInput.stdout).error.message).toContain('input-3');
  });

  it('exits 5 on timeout and cancels', async () => {
    const cancels = simulator.simulator.stats.cancels;
    const result = await runCli(['run', '/Jobs/Slow', '--timeout', '800ms', '--json'], { env });
    expect(result.code).toBe(5);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('EXECUTION_CANCELLED');
    expect(document.discarded).toBe(true);
    expect(document.error).toContain('800 ms');
    expect(result.stderr).toContain('--timeout');
    expect(simulator.simulator.stats.cancels).toBe(cancels + 1);
    expect(simulator.simulator.engine.getJob(document.jobId)).toBeUndefined();
  });

  it('exits 6 when the job is cancelled elsewhere', async () => {
    const started = await runCli(['start', '/Jobs/Slow'], { env });
    expect(started.code).toBe(0);
    const jobId = started.stdout.trim();

    const waiting = runCli(['wait', jobId, '--json'], {
      env,
      onStderr: (text) => {
        if (text.includes('EXECUTING')) void runCli(['cancel', jobId], { env });
      },
    });
    const result = await waiting;
    expect(result.code).toBe(6);
    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('EXECUTION_CANCELLED');
    expect(document.outcome).toBe('cancelled');
    expect(document.discarded).toBe(false);
  });

  it('exits 7 when the server is unreachable', async () => {
    const port = await closedPort();
    const result = await runCli(['run', '/Jobs/Echo', '--retries', '1'], {
      env: { ...env, KNIME_SERVER_URL: `http://127.0.0.1:${port}/knime` },
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toContain('reachable');
  });

  it('exits 8 on an unknown input name', async () => {
    const created = simulator.simulator.stats.jobsCreated;
    const result = await runCli(['run', '/Jobs/Echo', '--input', 'inptu-2={}'], { env });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('inptu-2');
    expect(result.stderr).toContain('did you mean `input-2`');
    expect(result.stderr).toContain('knimectl describe');
    expect(simulator.simulator.stats.jobsCreated).toBe(created);
  });

  it('exits 8 on a file for a JSON input', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'knimectl-in-'));
    writeFileSync(join(folder, 'data.csv'), 'a,b\n1,2\n');
    const result = await runCli(['run', '/Jobs/Echo', '--file', `input-2=@${join(folder, 'data.csv')}`], {
      env,
    });
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('input-2');
  });

  it('accepts the password from a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'knimectl-pw-'));
    writeFileSync(join(folder, 'pw'), `${testUser.password}\n`);
    const result = await runCli(
      ['run', '/Jobs/Echo', '--input', input, '--password-file', join(folder, 'pw')],
      {
        env: { ...env, KNIME_PASSWORD: undefined },
      },
    );
    expect(result.code).toBe(0);
  });

  it('accepts the password from stdin', async () => {
    const result = await runCli(['run', '/Jobs/Echo', '--input', input, '--password-stdin'], {
      env: { ...env, KNIME_PASSWORD: 'Wrong-Password-1' },
      stdin: `${testUser.password}\n`,
    });
    expect(result.code).toBe(0);
  });
});
