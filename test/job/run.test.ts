import { describe, expect, it } from 'vitest';
import { CancelledError, JobFailedError, ProtocolError, TimeoutError } from '../../src/errors/index.js';
import type { JobStatus } from '../../src/job/types.js';
import { simulatedServer } from '../library/simulator.js';

const JOB = /[0-9a-f-]{36}/;

function normalise(requests: string[]): string[] {
  return requests.map((request) => request.replace(JOB, '{id}'));
}

describe('run against the simulator', () => {
  it('starts, waits, reads outputs and discards', async () => {
    const { client, requests, simulator } = await simulatedServer();
    const result = await client.run('/Examples/Greeting', { name: 'Ada' });

    expect(result.outputs).toEqual({ greeting: 'Hello, Ada!' });
    expect(result.status.outcome).toBe('succeeded');
    expect(result.status.state).toBe('EXECUTION_FINISHED');
    expect(result.status.durationMs).toBe(200);
    expect(result.discarded).toBe(true);
    expect(normalise(requests)).toEqual([
      'GET /knime/rest/v4/repository/',
      'GET /knime/rest/v4/repository/Examples/Greeting:openapi',
      'POST /knime/rest/v4/repository/Examples/Greeting:jobs',
      'GET /knime/rest/v4/jobs/{id}',
      'POST /knime/rest/v4/jobs/{id}?async=true',
      'GET /knime/rest/v4/jobs/{id}',
      'GET /knime/rest/v4/jobs/{id}',
      'DELETE /knime/rest/v4/jobs/{id}',
    ]);
    expect(simulator.stats.toJSON()).toMatchObject({ jobsCreated: 1, executionsStarted: 1, discards: 1 });
  });

  it('keeps a failed job, logs its id and reports node messages', async () => {
    const { client, simulator, logger } = await simulatedServer();
    const error = (await client.run('/Examples/Fail').catch((e: unknown) => e)) as JobFailedError;

    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe('EXECUTION_FAILED');
    expect(error.nodeMessages).toEqual([
      {
        node: 'Column Filter 0:12',
        messageType: 'ERROR',
        message: 'Execute failed: Column "churn" not found',
      },
    ]);
    expect(error.message).toContain('Column Filter 0:12: Execute failed: Column "churn" not found');
    expect(error.message).toContain(error.jobId);
    expect(simulator.stats.discards).toBe(0);
    expect(simulator.engine.getJob(error.jobId!)).toBeDefined();
    const kept = logger.records.find((record) => record.message.startsWith('kept the failed job'));
    expect(kept?.fields?.jobId).toBe(error.jobId);
  });

  it('discards failed jobs when the policy says so', async () => {
    const { client, simulator } = await simulatedServer({ client: { discard: { onFailure: true } } });
    await expect(client.run('/Examples/Fail')).rejects.toBeInstanceOf(JobFailedError);
    expect(simulator.stats.discards).toBe(1);
  });

  it('keeps successful jobs when the policy says so', async () => {
    const { client, simulator } = await simulatedServer();
    const result = await client.run('/Examples/Greeting', { name: 'x' }, { discard: { onSuccess: false } });
    expect(result.discarded).toBe(false);
    expect(simulator.stats.discards).toBe(0);
  });

  it('fails EXECUTION_FAILED_WITH_CONTENT by default', async () => {
    const { client } = await simulatedServer();
    const error = (await client.run('/Examples/Partial').catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe('EXECUTION_FAILED_WITH_CONTENT');
    expect(error.message).toContain('acceptPartial');
  });

  it('accepts partial results with acceptPartial', async () => {
    const { client } = await simulatedServer();
    const result = await client.run(
      '/Examples/Partial',
      {},
      { acceptPartial: true, discard: { onSuccess: false } },
    );
    expect(result.status.partial).toBe(true);
    expect(result.status.outcome).toBe('failed');
    expect(result.outputs).toHaveProperty('result');
  });

  it('fails a headless run on INTERACTION_REQUIRED', async () => {
    const { client } = await simulatedServer();
    const error = (await client.run('/Examples/Interactive').catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe('INTERACTION_REQUIRED');
    expect(error.outcome).toBe('paused');
  });

  it('counts a paused job against the no-progress timeout', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Interactive');
    const error = (await handle
      .wait({ allowInteraction: true, noProgressTimeoutMs: 20_000, cancelOnAbort: false })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('no-progress');
    expect(error.message).toContain('no-progress timeout of 20000 ms');
  });

  it.each([
    ['/Examples/LoadError', 'LOAD_ERROR'],
    ['/Examples/NotExecutable', 'NOT_EXECUTABLE'],
  ])('reports %s as a job failure at start', async (workflow, state) => {
    const { client, simulator } = await simulatedServer();
    const error = (await client.start(workflow).catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe(state);
    expect(simulator.stats.executionsStarted).toBe(0);
  });
});

describe('waiting', () => {
  it('times out on the load clock and discards the unloaded job', async () => {
    const workflows = { '/SlowLoad': { simulation: { loadMs: 600_000 } } };
    const { client, simulator } = await simulatedServer({ workflows });
    const error = (await client
      .start('/SlowLoad', {}, { loadTimeoutMs: 60_000 })
      .catch((e: unknown) => e)) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('load');
    expect(error.message).toContain('the load/queue timeout of 60000 ms ran out (last state LOADING)');
    expect(simulator.stats.discards).toBe(1);
    expect(simulator.stats.executionsStarted).toBe(0);
  });

  it('waits an hour-long job with few polls', async () => {
    const { client, requests, clock } = await simulatedServer();
    const changes: string[] = [];
    const result = await client.run(
      '/Examples/Long',
      {},
      { onStateChange: (status) => changes.push(status.state) },
    );

    expect(result.status.durationMs).toBe(3_600_000);
    const polls = requests.filter((request) => /^GET .*\/jobs\/[0-9a-f-]{36}$/.test(request)).length;
    expect(polls).toBeLessThan(740);
    expect(Math.max(...clock.sleeps)).toBe(5000);
    expect(changes).toEqual(['EXECUTING', 'EXECUTION_FINISHED']);
  });

  it('times out on the execution clock and cancels the job', async () => {
    const { client, simulator } = await simulatedServer();
    const handle = await client.start('/Examples/Long');
    const error = (await handle
      .wait({ executionTimeoutMs: 60_000 })
      .catch((e: unknown) => e)) as TimeoutError;

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('execution');
    expect(error.limitMs).toBe(60_000);
    expect(error.message).toBe(
      `job ${handle.id}: the execution timeout of 60000 ms ran out (last state EXECUTING)`,
    );
    expect(error.cleanup).toBeUndefined();
    expect(simulator.stats.cancels).toBe(1);
    expect(simulator.engine.getJob(handle.id)?.state).toBe('EXECUTION_CANCELLED');
  });

  it('honours an absolute deadline from the client clock', async () => {
    const { client, clock } = await simulatedServer();
    const handle = await client.start('/Examples/Long');
    const deadline = clock.now() + 30_000;
    const error = (await handle.wait({ deadline }).catch((e: unknown) => e)) as TimeoutError;
    expect(error.clock).toBe('deadline');
    expect(clock.now()).toBe(deadline);
  });

  it('applies the discard policy after a timeout in run', async () => {
    const { client, simulator } = await simulatedServer({ client: { discard: { onFailure: true } } });
    await expect(client.run('/Examples/Long', {}, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(simulator.stats.cancels).toBe(1);
    expect(simulator.stats.discards).toBe(1);
  });

  it('cancels the job when the caller aborts', async () => {
    const { client, simulator, clock } = await simulatedServer();
    const handle = await client.start('/Examples/Long');
    const controller = new AbortController();
    const started = clock.now();
    const error = (await handle
      .wait({
        signal: controller.signal,
        onPoll: () => {
          if (clock.now() - started > 20_000) controller.abort();
        },
      })
      .catch((e: unknown) => e)) as CancelledError;
    expect(error).toBeInstanceOf(CancelledError);
    expect(simulator.stats.cancels).toBe(1);
  });

  it('attaches a failed cancel as cleanup without hiding the timeout', async () => {
    const { client } = await simulatedServer({ simulator: { cancelEndpoint: false } });
    const handle = await client.start('/Examples/Long');
    const error = (await handle.wait({ timeoutMs: 5000 }).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.cleanup).toBeInstanceOf(ProtocolError);
    expect((error.cleanup as Error).message).toContain('offers no cancel endpoint');
  });

  it('reports the job as gone when it is discarded meanwhile', async () => {
    const { client, simulator } = await simulatedServer();
    const handle = await client.start('/Examples/Long');
    let polls = 0;
    const error = (await handle
      .wait({
        onPoll: () => {
          polls += 1;
          if (polls === 3) simulator.engine.discard(handle.id);
        },
      })
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.outcome).toBe('gone');
    expect(error.message).toContain('no longer exists');
  });

  it('keeps the last state through transient poll failures', async () => {
    const { client, simulator } = await simulatedServer({ client: { retry: false } });
    simulator.faults.configure({
      seed: 3,
      rules: [{ method: 'GET', path: '/jobs/[^/]+$', serverErrorRate: 0.5 }],
    });
    const statuses: JobStatus[] = [];
    const result = await client.run('/Examples/Greeting', { name: 'x' }, { onPoll: (s) => statuses.push(s) });
    expect(result.outputs).toEqual({ greeting: 'Hello, x!' });
    expect(simulator.faults.counts.serverError).toBeGreaterThan(0);
  });

  it('rebuilds a handle from a job id', async () => {
    const { client } = await simulatedServer();
    const started = await client.start('/Examples/Greeting', { name: 'Grace' });
    const handle = client.getJob(started.id);
    const status = await handle.wait();
    expect(status.workflow).toBe('/Examples/Greeting');
    expect(await handle.outputs()).toEqual({ greeting: 'Hello, Grace!' });
    expect(await handle.discard()).toBe('discarded');
  });

  it('treats a 404 on discard as already gone, with a warning', async () => {
    const { client, logger } = await simulatedServer();
    const handle = await client.start('/Examples/Greeting', { name: 'x' });
    await handle.wait();
    expect(await handle.discard()).toBe('discarded');
    expect(await handle.discard()).toBe('already-gone');
    expect(logger.records.some((r) => r.level === 'warn' && r.message.includes('already gone'))).toBe(true);
  });

  it('cancels a running job and sends nothing for a finished one', async () => {
    const { client, simulator, requests } = await simulatedServer();
    const long = await client.start('/Examples/Long');
    const cancelled = await long.cancel();
    expect(cancelled.state).toBe('EXECUTION_CANCELLED');
    expect(cancelled.outcome).toBe('cancelled');
    await expect(long.wait()).rejects.toBeInstanceOf(CancelledError);

    const short = await client.start('/Examples/Greeting', { name: 'x' });
    await short.wait();
    const before = requests.length;
    expect((await short.cancel()).outcome).toBe('succeeded');
    expect(requests.slice(before).every((request) => request.startsWith('GET'))).toBe(true);
    expect(simulator.stats.cancels).toBe(1);
  });
});

describe('outputs', () => {
  it('refuses the template outputs of a failed job', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Fail');
    await expect(handle.wait()).rejects.toBeInstanceOf(JobFailedError);
    const error = (await handle.outputs().catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.message).toContain('ended in state EXECUTION_FAILED, so its outputs are template values');
  });

  it('returns partial outputs after a wait that accepted them', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Partial');
    await handle.wait({ acceptPartial: true });
    expect(await handle.outputs()).toHaveProperty('result');
    const fresh = client.getJob(handle.id);
    await expect(fresh.outputs()).rejects.toThrow(/accept them with acceptPartial/);
  });

  it('refuses outputs of a running job', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/Long');
    await expect(handle.outputs()).rejects.toThrow(/has not finished \(state EXECUTING\); wait for it/);
  });

  it('names missing expected outputs', async () => {
    const { client } = await simulatedServer();
    const handle = await client.start('/Examples/NoOutputs', { x: 1 });
    await handle.wait();
    const error = (await handle.outputs({ expect: ['scores'] }).catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.missingOutputs).toEqual(['scores']);
    expect(error.message).toContain('no outputValues at all; expected `scores`');
  });

  it('accepts a workflow without outputs', async () => {
    const { client } = await simulatedServer();
    const result = await client.run('/Examples/NoOutputs', { x: 1 });
    expect(result.outputs).toEqual({});
  });

  it('still discards a successful job when reading its outputs fails', async () => {
    const { client, simulator } = await simulatedServer();
    const error = await client
      .run('/Examples/NoOutputs', { x: 1 }, { expectOutputs: ['y'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(simulator.stats.discards).toBe(1);
  });
});

describe('listJobs', () => {
  it('filters by workflow, raw state and outcome', async () => {
    const { client } = await simulatedServer();
    await client.run('/Examples/Greeting', { name: 'a' }, { discard: { onSuccess: false } });
    await client.run('/Examples/Fail').catch(() => {});
    const all = await client.listJobs();
    expect(all).toHaveLength(2);
    const failed = await client.listJobs({ state: 'failed' });
    expect(failed.map((s) => s.workflow)).toEqual(['/Examples/Fail']);
    const finished = await client.listJobs({ workflow: '/Examples/Greeting', state: 'EXECUTION_FINISHED' });
    expect(finished).toHaveLength(1);
    expect(finished[0]?.failedNodes).toEqual([]);
  });
});
