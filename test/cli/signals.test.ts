import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServerSimulator, startServerSimulator } from '../../src/simulator/index.js';
import { runCli } from './helpers.js';
import { buildJobsWorkspace, connectionEnv, testUser } from './support/simulator.js';

/** Sends `signal` once the CLI reports the job executing. */
function signalWhenExecuting(signal: NodeJS.Signals) {
  let sent = false;
  return (text: string, child: ChildProcess) => {
    if (!sent && text.includes('EXECUTING')) {
      sent = true;
      child.kill(signal);
    }
  };
}

describe('knimectl signal handling', () => {
  let simulator: RunningServerSimulator;
  let slowCancel: RunningServerSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    const workspace = await buildJobsWorkspace();
    simulator = await startServerSimulator({ workspace, port: 0, users: [testUser] });
    // Every cancel request takes 4 s, so the clean-up after the first signal is still running
    // when the second one arrives.
    slowCancel = await startServerSimulator({
      workspace,
      port: 0,
      users: [testUser],
      faults: { rules: [{ method: 'DELETE', latencyMs: 4000 }] },
    });
    env = connectionEnv(simulator.url);
  });
  afterAll(async () => {
    await simulator.close();
    await slowCancel.close();
  });

  it('cancels and discards on SIGINT', async () => {
    const before = { ...simulator.simulator.stats.toJSON() };
    const result = await runCli(['run', '/Jobs/Slow', '--json'], {
      env,
      onStderr: signalWhenExecuting('SIGINT'),
    });
    expect(result.code).toBe(130);

    const document = JSON.parse(result.stdout);
    expect(document.state).toBe('EXECUTION_CANCELLED');
    expect(document.discarded).toBe(true);
    expect(result.stderr).toContain('SIGINT received');
    expect(simulator.simulator.stats.cancels).toBe(before.cancels + 1);
    expect(simulator.simulator.stats.discards).toBe(before.discards + 1);
    expect(simulator.simulator.stats.executionsByJob.get(document.jobId)).toBe(1);
    expect(simulator.simulator.engine.getJob(document.jobId)).toBeUndefined();
  });

  it('cancels and discards on SIGTERM', async () => {
    const before = simulator.simulator.stats.discards;
    const result = await runCli(['run', '/Jobs/Slow', '--json'], {
      env,
      onStderr: signalWhenExecuting('SIGTERM'),
    });
    expect(result.code).toBe(143);
    const document = JSON.parse(result.stdout);
    expect(document.discarded).toBe(true);
    expect(simulator.simulator.stats.discards).toBe(before + 1);
    expect(simulator.simulator.engine.getJob(document.jobId)).toBeUndefined();
  });

  it('keeps the cancelled job with --discard never', async () => {
    const result = await runCli(['run', '/Jobs/Slow', '--json', '--discard', 'never'], {
      env,
      onStderr: signalWhenExecuting('SIGINT'),
    });
    expect(result.code).toBe(130);
    const jobId = JSON.parse(result.stdout).jobId;
    expect(simulator.simulator.engine.getJob(jobId)?.state).toBe('EXECUTION_CANCELLED');
  });

  it('cancels on SIGINT during wait', async () => {
    const started = await runCli(['start', '/Jobs/Slow'], { env });
    const jobId = started.stdout.trim();
    const result = await runCli(['wait', jobId], { env, onStderr: signalWhenExecuting('SIGINT') });
    expect(result.code).toBe(130);
    expect(simulator.simulator.engine.getJob(jobId)).toBeUndefined();
  });

  it('cleans up a job interrupted while loading', async () => {
    const created = simulator.simulator.stats.jobsCreated;
    const discards = simulator.simulator.stats.discards;
    const result = await runCli(['run', '/Jobs/SlowLoad', '--json'], {
      env,
      onSpawn: (child) => {
        setTimeout(() => child.kill('SIGINT'), 500);
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('once it is created');

    const document = JSON.parse(result.stdout);
    expect(document.discarded).toBe(true);
    expect(simulator.simulator.stats.jobsCreated).toBe(created + 1);
    expect(simulator.simulator.stats.discards).toBe(discards + 1);
    expect(simulator.simulator.engine.getJob(document.jobId)).toBeUndefined();
  });

  it('exits at once on a second SIGINT', async () => {
    let phase = 0;
    const startedAt = Date.now();
    const result = await runCli(['run', '/Jobs/Slow'], {
      env: connectionEnv(slowCancel.url),
      onStderr: (text, child) => {
        if (phase === 0 && text.includes('EXECUTING')) {
          phase = 1;
          child.kill('SIGINT');
        } else if (phase === 1 && text.includes('SIGINT received')) {
          phase = 2;
          child.kill('SIGINT');
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('exiting without clean-up');
    expect(Date.now() - startedAt).toBeLessThan(4000);
  });
});
