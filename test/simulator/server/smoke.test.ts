import { describe, expect, it } from 'vitest';
import { createJob, harness, until } from './harness.js';

describe('server simulator smoke', () => {
  it('creates, executes and polls a job', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const started = await h.json('POST', `/jobs/${id}?async=true`, { name: { string: 'Ada' } });
    expect(started.status).toBe(200);
    expect(((await started.json()) as { state: string }).state).toBe('EXECUTING');
    h.clock.advance(200);
    const polled = (await (await h.call('GET', `/jobs/${id}`)).json()) as Record<string, unknown>;
    expect(polled.state).toBe('EXECUTION_FINISHED');
    expect(polled.outputValues).toEqual({ greeting: 'Hello, Ada!' });
  });

  it('waits synchronously on the clock', async () => {
    const h = await harness();
    const id = await createJob(h, '/Examples/Greeter');
    const pending = h.json('POST', `/jobs/${id}`, {});
    await until(() => h.sim.stats.currentlyExecuting === 1);
    h.clock.advance(200);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { state: string }).state).toBe('EXECUTION_FINISHED');
  });
});
