import { describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError, JobFailedError, TimeoutError } from '../../src/errors/index.js';
import type { ManualClock } from '../../src/simulator/common/clock.js';
import { createDeployment, hubFixture, hubPath, settle } from './support.js';

const GREETER = hubPath('/Services/Greeter');

describe('hub run', () => {
  it('runs an ad hoc job, reads outputs and discards it', async () => {
    const { client, sim, sequence } = await hubFixture();
    const result = await client.run(GREETER, { 'json-input': { name: 'Ada' } });

    expect(result.outputs).toEqual({ 'json-output': 'Hello, Ada!' });
    expect(result.status.outcome).toBe('succeeded');
    expect(result.status.state).toBe('EXECUTION_FINISHED');
    expect(result.status.jobState).toBe('LOADED');
    expect(result.discarded).toBe(true);
    const uri = '%2FUsers%2FData%20Team%2FServices%2FGreeter';
    expect(sequence().slice(0, 5)).toEqual([
      'GET /accounts/identity',
      `GET /jobs/open-api?workflowUri=${uri}`,
      `GET /jobs?workflowUri=${uri}&pagelen=100`,
      `POST /jobs?workflowUri=${uri}&asyncLoading=true&timeout=60000`,
      'GET /jobs/{id}',
    ]);
    expect(sequence()).toContain('POST /jobs/{id}?async=true');
    expect(sequence().at(-1)).toBe('DELETE /jobs/{id}');
    expect(sim.stats.toJSON()).toMatchObject({ jobsCreated: 1, executionsStarted: 1, discards: 1 });
    expect(sim.parts.jobs.all()).toHaveLength(0);
  });

  it('sends the inputs as JSON and the created-by header', async () => {
    const { client, requests } = await hubFixture();
    await client.run(GREETER, { 'json-input': { name: 'Bo' } });
    const execute = requests.find(
      (request) => request.method === 'POST' && request.target.includes('async=true'),
    );
    expect(execute?.body).toBe('{"json-input":{"name":"Bo"}}');
    const create = requests.find(
      (request) => request.method === 'POST' && request.target.startsWith('/jobs?'),
    );
    expect(create?.headers['knime-created-by']).toBe('knimectl');
  });

  it('runs an item id at a version', async () => {
    const { client, sim, requests } = await hubFixture();
    const item = sim.parts.spaces.find(GREETER);
    expect(item).toBeDefined();
    const result = await client.run(`${item!.id}?itemVersion=2`, { 'json-input': { name: 'V2' } });
    expect(result.outputs['json-output']).toBe('Hello, V2!');
    const create = requests.find(
      (request) => request.method === 'POST' && request.target.startsWith('/jobs?'),
    );
    expect(create?.target).toContain(`workflowUri=${item!.id}&itemVersion=2&`);
  });

  it('encodes spaces, plus, hash and ampersand in paths', async () => {
    const { client, requests } = await hubFixture();
    const result = await client.run(hubPath('/Services/Q1 Sales & Costs #2 +x'));
    expect(result.outputs).toEqual({ total: 42 });
    const create = requests.find(
      (request) => request.method === 'POST' && request.target.startsWith('/jobs?'),
    );
    expect(create?.target).toContain(
      'workflowUri=%2FUsers%2FData%20Team%2FServices%2FQ1%20Sales%20%26%20Costs%20%232%20%2Bx&',
    );
  });

  it('runs a deployment by id and by name', async () => {
    const { client, sim, sequence } = await hubFixture();
    const id = await createDeployment(sim, '/Services/Greeter', { name: 'Greeter service' });

    const byId = await client.run(id, { 'json-input': { name: 'Id' } });
    expect(byId.outputs['json-output']).toBe('Hello, Id!');
    expect(sequence()).toContain(
      `POST /deployments/${id.replace(/:.*/, ':{id}')}/jobs?asyncLoading=true&timeout=60000`,
    );

    const byName = await client.run('deployment:Greeter service?scope=Data Team', {
      'json-input': { name: 'Name' },
    });
    expect(byName.outputs['json-output']).toBe('Hello, Name!');
    expect(sim.stats.toJSON()).toMatchObject({ jobsCreated: 2, executionsStarted: 2, discards: 2 });
  });

  it('reports a deployment that executes on creation', async () => {
    const { client, sim } = await hubFixture({ simulator: { autoExecuteDeploymentTypes: ['rest'] } });
    const id = await createDeployment(sim, '/Services/Long');
    const error = (await client.run(id).catch((e: unknown) => e)) as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('as soon as it was created');
    expect(error.message).toContain('execute()');
    expect(error.jobId).toBeDefined();
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('leaves the deployment job count unchanged after runs', async () => {
    const { client, sim } = await hubFixture();
    const id = await createDeployment(sim, '/Services/Greeter');
    await client.run(id, { 'json-input': { name: 'a' } });
    await client.run(id, { 'json-input': { name: 'b' } });
    expect(await client.listJobs({ workflow: id })).toHaveLength(0);
  });

  it('ignores an execute reply from before the start', async () => {
    const { client } = await hubFixture({ simulator: { asyncExecuteResponse: 'before-start' } });
    const handle = await client.start(GREETER, { 'json-input': { name: 'late start' } });
    expect(handle.lastStatus?.outcome).not.toBe('failed');
    const status = await handle.wait();
    expect(status.outcome).toBe('succeeded');
    expect(await handle.outputs()).toEqual({ 'json-output': 'Hello, late start!' });
  });

  it('sends the chosen execution context', async () => {
    const { client, sim, requests } = await hubFixture({
      simulator: { executionContexts: [{ name: 'Default' }, { name: 'Big' }] },
    });
    const big = sim.parts.contexts.all().find((context) => context.name === 'Big')!;
    await client.run(`${GREETER}?executionContext=${big.id}`, { 'json-input': { name: 'x' } });
    const create = requests.find(
      (request) => request.method === 'POST' && request.target.startsWith('/jobs?'),
    );
    expect(JSON.parse(create?.body ?? '{}')).toEqual({ executionContext: big.id });
  });

  it('reports a failed execution with node messages and keeps the job', async () => {
    const { client, sim } = await hubFixture();
    const error = (await client.run(hubPath('/Services/Failing')).catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe('EXECUTION_FAILED');
    expect(error.message).toContain('Python Script 12:3: Execute failed: division by zero');
    expect(sim.parts.jobs.all()).toHaveLength(1);
  });

  it('fails partial content unless accepted', async () => {
    const { client } = await hubFixture();
    const error = (await client.run(hubPath('/Services/Partial')).catch((e: unknown) => e)) as JobFailedError;
    expect(error.state).toBe('EXECUTION_FAILED_WITH_CONTENT');
    const accepted = await client.run(hubPath('/Services/Partial'), {}, { acceptPartial: true });
    expect(accepted.status.partial).toBe(true);
  });

  it('reports NOT_EXECUTABLE before executing', async () => {
    const { client, sim } = await hubFixture();
    const error = (await client
      .run(hubPath('/Services/NotExecutable'))
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe('NOT_EXECUTABLE');
    expect(sim.stats.executionsStarted).toBe(0);
  });

  it('ends at once on a load error', async () => {
    const { client, sim, clock } = await hubFixture();
    const started = clock.now();
    const error = (await client
      .run(hubPath('/Services/LoadError'))
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.message).toContain('could not be loaded');
    expect(clock.now() - started).toBeLessThan(5000);
    expect(sim.stats.executionsStarted).toBe(0);
  });

  it('reports INTERACTION_REQUIRED instead of waiting', async () => {
    const { client, clock } = await hubFixture();
    const started = clock.now();
    const error = (await client
      .run(hubPath('/Services/Interactive'))
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.message).toContain('INTERACTION_REQUIRED');
    expect(clock.now() - started).toBeLessThan(10_000);
  });

  it('times out the execution clock and cancels the job', async () => {
    const { client, sim } = await hubFixture();
    const handle = await client.start(hubPath('/Services/Long'));
    const error = (await handle
      .wait({ executionTimeoutMs: 30_000 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.clock).toBe('execution');
    expect(error.message).toContain('execution timeout of 30000 ms');
    expect(sim.stats.cancels).toBe(1);
  });

  it('cancels a running job with DELETE /jobs/{id}/execution', async () => {
    const { client, sequence } = await hubFixture();
    const handle = await client.start(hubPath('/Services/Long'));
    await handle.status();
    const status = await handle.cancel();
    expect(sequence()).toContain('DELETE /jobs/{id}/execution');
    expect(['running', 'cancelled']).toContain(status.outcome);
    const error = await handle.wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
  });

  it('runs a one-shot execution of a deployment', async () => {
    const { client, sim, manual, sequence } = await hubFixture();
    const id = await createDeployment(sim, '/Services/Greeter');
    const runOnce = client.execute(id, { 'json-input': { name: 'Once' } }, { timeoutMs: 30_000 });
    // The one-shot call waits on simulated time, which only the client's sleeps or this loop move.
    const result = await settle(manual, runOnce);
    expect(result.outputs['json-output']).toBe('Hello, Once!');
    expect(sequence()).toContain(
      `POST /deployments/${id.replace(/:.*/, ':{id}')}/execution?timeout=30000&keepJob=false`,
    );
    expect(sim.parts.jobs.all()).toHaveLength(0);
  });
});

describe('hub one-shot outcome', () => {
  it('treats HTTP 200 with EXECUTION_FAILED as failure', async () => {
    const { client, manual } = await hubFixture();
    const call = client.execute(
      hubPath('/Services/Failing'),
      {},
      { timeoutMs: 30_000, expectOutputs: false },
    );
    let done = false;
    call
      .catch(() => undefined)
      .finally(() => {
        done = true;
      });
    for (let turn = 0; turn < 500 && !done; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      manual.advance(100);
    }
    const error = (await call.catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.state).toBe('EXECUTION_FAILED');
    expect(error.message).toContain('Python Script 12:3: Execute failed: division by zero');
  });
});

describe('hub slow and late replies', () => {
  it('waits past the Hub timeout for a one-shot reply', async () => {
    let clock: ManualClock | undefined;
    const { client, sim, manual } = await hubFixture({
      client: { requestTimeoutMs: 10_000 },
      // Deliver the execution reply 55 s after the request, later than its timeout=50000.
      wrapFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).includes('/execution') && clock) {
          const at = clock.now() + 55_000;
          await new Promise((resolve) => clock?.setTimer(at, () => resolve(undefined)));
        }
        return response;
      },
    });
    clock = manual;
    const id = await createDeployment(sim, '/Services/Greeter');
    const result = await settle(
      manual,
      client.execute(id, { 'json-input': { name: 'late' } }, { timeoutMs: 50_000 }),
    );
    expect(result.outputs['json-output']).toBe('Hello, late!');
    expect(sim.stats.executionsStarted).toBe(1);
  });

  it('treats 404 right after creation as not visible yet', async () => {
    let hidden = 2;
    const { client, sim } = await hubFixture({
      wrapFetch: (fetch) => async (input, init) => {
        const url = new URL(String(input));
        if ((init?.method ?? 'GET') === 'GET' && /^\/jobs\/[0-9a-f-]{36}$/.test(url.pathname) && hidden > 0) {
          hidden -= 1;
          return Response.json({ title: 'Job does not exist.', details: [] }, { status: 404 });
        }
        return fetch(input, init);
      },
    });
    const result = await client.run(GREETER, { 'json-input': { name: 'soon' } });
    expect(result.outputs['json-output']).toBe('Hello, soon!');
    expect(hidden).toBe(0);
    expect(sim.stats.jobsCreated).toBe(1);
  });

  it('reports a job that never becomes visible', async () => {
    const { client, sim } = await hubFixture({
      client: { hub: { visibilityGraceMs: 2000 } },
      wrapFetch: (fetch) => async (input, init) => {
        const url = new URL(String(input));
        if ((init?.method ?? 'GET') === 'GET' && /^\/jobs\/[0-9a-f-]{36}$/.test(url.pathname)) {
          return Response.json({ title: 'Job does not exist.', details: [] }, { status: 404 });
        }
        return fetch(input, init);
      },
    });
    const error = (await client
      .run(GREETER, { 'json-input': { name: 'x' } })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('never became visible within 2000 ms');
    expect(sim.stats.executionsStarted).toBe(0);
  });
});
