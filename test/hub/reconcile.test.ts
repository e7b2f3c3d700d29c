import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/errors/index.js';
import { createDeployment, hubFixture, hubPath } from './support.js';

const GREETER = hubPath('/Services/Greeter');
const RUNS = 12;

/** Asserts that no job executed twice and that every run created exactly one job. */
function expectNoDuplicates(
  stats: { executionsByJob: Map<string, number>; jobsCreated: number },
  runs: number,
) {
  expect([...stats.executionsByJob.values()].every((count) => count === 1)).toBe(true);
  expect(stats.executionsByJob.size).toBe(runs);
  expect(stats.jobsCreated).toBe(runs);
}

describe('hub lost responses', () => {
  it('creates and executes ad hoc jobs exactly once', async () => {
    const { client, sim, logger, sequence } = await hubFixture();
    sim.faults.configure({
      seed: 11,
      rules: [
        { method: 'POST', path: '^/jobs$', lostResponseRate: 0.5 },
        { method: 'POST', path: '^/jobs/[^/]+$', lostResponseRate: 0.5 },
      ],
    });

    for (let run = 0; run < RUNS; run += 1) {
      const result = await client.run(GREETER, { 'json-input': { name: `run ${run}` } });
      expect(result.outputs['json-output']).toBe(`Hello, run ${run}!`);
    }

    expect(sim.faults.counts.lostResponse).toBeGreaterThan(3);
    expectNoDuplicates(sim.stats, RUNS);
    const adopted = logger.records.filter((record) => record.message.includes('adopted the job it created'));
    const started = logger.records.filter((record) => record.message.includes('but the job started'));
    expect(adopted.length + started.length).toBe(sim.faults.counts.lostResponse);
    expect(sequence().filter((line) => line.startsWith('POST /jobs?')).length).toBe(RUNS);
    expect(sim.parts.jobs.all()).toHaveLength(0);
  });

  it('creates deployment jobs exactly once', async () => {
    const { client, sim } = await hubFixture();
    const id = await createDeployment(sim, '/Services/Greeter');
    sim.faults.configure({
      seed: 5,
      rules: [
        { method: 'POST', path: '^/deployments/[^/]+/jobs$', lostResponseRate: 0.5 },
        { method: 'POST', path: '^/jobs/[^/]+$', lostResponseRate: 0.5 },
      ],
    });

    for (let run = 0; run < RUNS; run += 1) {
      await client.run(id, { 'json-input': { name: 'x' } });
    }

    expect(sim.faults.counts.lostResponse).toBeGreaterThan(3);
    expectNoDuplicates(sim.stats, RUNS);
  });

  it('sends a creation again after a reset before the Hub acted', async () => {
    const { client, sim, sequence } = await hubFixture();
    sim.faults.configure({ seed: 3, rules: [{ method: 'POST', path: '^/jobs$', resetRate: 0.5 }] });

    for (let run = 0; run < 6; run += 1) await client.run(GREETER, { 'json-input': { name: 'x' } });

    expect(sim.faults.counts.reset).toBeGreaterThan(0);
    expect(sequence().filter((line) => line.startsWith('POST /jobs?')).length).toBe(
      6 + sim.faults.counts.reset,
    );
    expectNoDuplicates(sim.stats, 6);
  });

  it('never repeats a one-shot execution', async () => {
    const { client, sim, manual, sequence } = await hubFixture();
    const id = await createDeployment(sim, '/Services/Greeter');
    sim.faults.configure({ seed: 1, rules: [{ method: 'POST', path: '/execution$', lostResponseRate: 1 }] });

    const call = client.execute(id, { 'json-input': { name: 'x' } }, { timeoutMs: 30_000 });
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
    const error = await call.catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('may or may not have run, and the call was not repeated');
    expect(sequence().filter((line) => line.includes('/execution')).length).toBe(1);
    expect(sim.stats.executionsStarted).toBe(1);
  });
});

describe('hub rate limits', () => {
  it('sends rate-limited requests again without duplicates', async () => {
    const limited = new Set<string>();
    const { client, sim, clock } = await hubFixture({
      // The first creation and the first execution get HTTP 429, as from a rate-limited Hub.
      wrapFetch: (fetch) => async (input, init) => {
        const path = new URL(String(input)).pathname;
        const kind =
          path === '/jobs' ? 'create' : /^\/jobs\/[0-9a-f-]{36}$/.test(path) ? 'execute' : undefined;
        if (init?.method === 'POST' && kind !== undefined && !limited.has(kind)) {
          limited.add(kind);
          return Response.json(
            { title: 'Too many requests.', details: [] },
            { status: 429, headers: { 'retry-after': '2' } },
          );
        }
        return fetch(input, init);
      },
    });
    const result = await client.run(GREETER, { 'json-input': { name: 'slow down' } });

    expect(result.outputs['json-output']).toBe('Hello, slow down!');
    expect([...limited].sort()).toEqual(['create', 'execute']);
    expect(sim.stats.jobsCreated).toBe(1);
    expect(sim.stats.executionsStarted).toBe(1);
    expect(clock.sleeps.filter((ms) => ms === 2000)).toHaveLength(2);
  });
});
