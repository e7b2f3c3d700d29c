import { describe, expect, it } from 'vitest';
import { createJob, type Harness, harness, settle, workflowUri } from './harness.js';

const greeter = workflowUri('/Services/Greeter');

interface JobBody {
  id: string;
  state: string;
  jobState: string;
  workflowState: string;
  nodeMessages: { message: string }[];
}

async function job(h: Harness, id: string): Promise<JobBody> {
  return (await (await h.call('GET', `/jobs/${id}`)).json()) as JobBody;
}

function oneSlot(extra: Record<string, unknown> = {}) {
  return { executionContexts: [{ name: 'Small', maxLoadedJobs: 1, ...extra }] };
}

describe('hub simulator execution context capacity', () => {
  it('504 when no slot frees in time', async () => {
    const h = await harness(oneSlot());
    await createJob(h, '/Services/Greeter');
    const started = h.clock.now();
    const response = await settle(h, h.call('POST', `/jobs?workflowUri=${greeter}&timeout=3000`), 500);
    expect(response.status).toBe(504);
    const body = (await response.json()) as { title: string; details: string[] };
    expect(body.title).toBe('The job could not be loaded in time.');
    expect(body.details[0]).toContain("Execution context 'Small'");
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(3000);
    expect(h.sim.parts.jobs.all()).toHaveLength(1);
  });

  it('loads a waiter once a slot frees', async () => {
    const h = await harness(oneSlot());
    const first = await createJob(h, '/Services/Greeter');
    const waiting = h.call('POST', `/jobs?workflowUri=${greeter}&timeout=60000`);
    await new Promise((resolve) => setImmediate(resolve));
    h.clock.advance(1000);
    expect((await h.call('DELETE', `/jobs/${first}`)).status).toBe(204);
    const response = await waiting;
    expect(response.status).toBe(201);
    expect(((await response.json()) as JobBody).jobState).toBe('LOADED');
  });

  it('queues async loads while full', async () => {
    const h = await harness(oneSlot());
    const first = await createJob(h, '/Services/Greeter');
    const response = await h.call('POST', `/jobs?workflowUri=${greeter}&asyncLoading=true`);
    expect(response.status).toBe(201);
    const queued = (await response.json()) as JobBody;
    expect([queued.jobState, queued.workflowState, queued.state]).toEqual([
      'LOAD_REQUESTED',
      'UNDEFINED',
      'LOADING',
    ]);

    const execute = await h.json('POST', `/jobs/${queued.id}`, {});
    expect(execute.status).toBe(422);

    await h.call('DELETE', `/jobs/${first}`);
    const loaded = await job(h, queued.id);
    expect([loaded.jobState, loaded.workflowState]).toEqual(['LOADED', 'IDLE']);
  });

  it('queued job fails at its deadline', async () => {
    const h = await harness(oneSlot({ defaultLoadTimeoutMs: 2000 }));
    await createJob(h, '/Services/Greeter');
    const queued = (await (
      await h.call('POST', `/jobs?workflowUri=${greeter}&asyncLoading=true`)
    ).json()) as JobBody;
    h.clock.advance(2000);
    const failed = await job(h, queued.id);
    expect([failed.jobState, failed.workflowState, failed.state]).toEqual([
      'LOAD_ERROR',
      'UNDEFINED',
      'LOAD_ERROR',
    ]);
    expect(failed.nodeMessages[0]?.message).toContain('had a free slot');
  });

  it('fails the load at once when configured', async () => {
    const h = await harness({ ...oneSlot(), capacityRejection: 'load-error' });
    await createJob(h, '/Services/Greeter');
    const response = await h.call('POST', `/jobs?workflowUri=${greeter}`);
    expect(response.status).toBe(201);
    expect(((await response.json()) as JobBody).jobState).toBe('LOAD_ERROR');
  });

  it('accepts no job in a stopped context', async () => {
    const h = await harness({ executionContexts: [{ name: 'Stopped', status: 'stopped' }] });
    const response = await settle(h, h.call('POST', `/jobs?workflowUri=${greeter}&timeout=1000`), 500);
    expect(response.status).toBe(504);
  });

  it('disabled context rejects jobs', async () => {
    const h = await harness({ executionContexts: [{ name: 'Off', status: 'disabled' }] });
    const response = await h.call('POST', `/jobs?workflowUri=${greeter}`);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { title: string }).title).toContain('is disabled');
  });

  it('reports capacity in the context JSON', async () => {
    const h = await harness(oneSlot());
    await createJob(h, '/Services/Greeter');
    const context = h.sim.parts.contexts.default;
    const body = (await (await h.call('GET', `/execution-contexts/${context.id}`)).json()) as {
      maxLoadedJobsPerExecutor: number;
      isDisabled: boolean;
      liveMetrics: { jobs: number; loadedJobs: number };
    };
    expect(body.maxLoadedJobsPerExecutor).toBe(1);
    expect(body.isDisabled).toBe(false);
    expect(body.liveMetrics).toMatchObject({ jobs: 1, loadedJobs: 1 });
  });

  it('frees the slot of a one-shot execution', async () => {
    const h = await harness(oneSlot());
    for (let run = 0; run < 3; run++) {
      const response = await settle(h, h.json('POST', `/execution?workflowUri=${greeter}`, {}), 100);
      expect(response.status).toBe(200);
    }
    expect(h.sim.parts.jobs.all()).toEqual([]);
  });

  it('admits queued jobs after a capacity change', async () => {
    const h = await harness({ executionContexts: [{ name: 'Stopped', status: 'stopped' }] });
    const queued = (await (
      await h.call('POST', `/jobs?workflowUri=${greeter}&asyncLoading=true`)
    ).json()) as JobBody;
    expect(queued.jobState).toBe('LOAD_REQUESTED');

    h.sim.parts.contexts.default.status = 'running';
    h.sim.parts.jobs.recheckCapacity();
    expect((await job(h, queued.id)).jobState).toBe('LOADED');
  });

  it('admits one waiter per free slot', async () => {
    const h = await harness(oneSlot());
    const first = await createJob(h, '/Services/Greeter');
    const earlier = h.call('POST', `/jobs?workflowUri=${greeter}&timeout=5000`);
    const later = h.call('POST', `/jobs?workflowUri=${greeter}&timeout=5000`);
    await new Promise((resolve) => setImmediate(resolve));
    await h.call('DELETE', `/jobs/${first}`);
    const admitted = await earlier;
    const rejected = await settle(h, later, 1000);
    expect(admitted.status).toBe(201);
    expect(rejected.status).toBe(504);
    expect(h.sim.parts.jobs.loadedJobs(h.sim.parts.contexts.default)).toBe(1);
  });
});
