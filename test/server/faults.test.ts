import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/job/client.js';
import { simulatedServer } from '../library/simulator.js';
import { SteppingClock } from '../library/support.js';

const RUNS = 30;
/** Parallel starts of one workflow through one client. */
const FAN_OUT = 100;

describe('lost responses on creating and executing routes', () => {
  it('creates and executes every job exactly once', async () => {
    const { client, simulator } = await simulatedServer();
    simulator.faults.configure({
      seed: 11,
      rules: [
        { method: 'POST', path: ':jobs$', lostResponseRate: 0.4 },
        { method: 'POST', path: '/jobs/[^/]+$', lostResponseRate: 0.4 },
      ],
    });

    const ids: string[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const result = await client.run('/Examples/Greeting', { name: `n${run}` });
      expect(result.outputs).toEqual({ greeting: `Hello, n${run}!` });
      ids.push(result.status.jobId);
    }

    const stats = simulator.stats.toJSON();
    expect(simulator.faults.counts.lostResponse).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(RUNS);
    expect(stats.jobsCreated).toBe(RUNS);
    expect(stats.executionsStarted).toBe(RUNS);
    expect(Object.values(stats.executionsByJob).every((count) => count === 1)).toBe(true);
    expect(stats.discards).toBe(RUNS);
  });

  it('sends a creation again after a reset before the server acted', async () => {
    const { client, simulator } = await simulatedServer();
    simulator.faults.configure({
      seed: 5,
      rules: [
        { method: 'POST', path: ':jobs$', resetRate: 0.3 },
        { method: 'POST', path: '/jobs/[^/]+$', resetRate: 0.3 },
      ],
    });
    for (let run = 0; run < 10; run += 1) await client.run('/Examples/Greeting', { name: 'x' });

    expect(simulator.faults.counts.reset).toBeGreaterThan(0);
    expect(simulator.stats.jobsCreated).toBe(10);
    expect(simulator.stats.executionsStarted).toBe(10);
  });

  it('survives faults on every route without duplicates', async () => {
    const { client, simulator } = await simulatedServer();
    simulator.faults.configure({
      seed: 23,
      rules: [
        { method: 'POST', lostResponseRate: 0.25, serverErrorRate: 0.1 },
        { method: 'GET', serverErrorRate: 0.2, nonJsonErrorRate: 0.1, resetRate: 0.1 },
        { method: 'DELETE', lostResponseRate: 0.3 },
      ],
    });
    for (let run = 0; run < 15; run += 1) await client.run('/Examples/Greeting', { name: 'x' });

    const stats = simulator.stats.toJSON();
    expect(stats.jobsCreated).toBe(15);
    expect(stats.executionsStarted).toBe(15);
    expect(Object.values(stats.executionsByJob).every((count) => count === 1)).toBe(true);
    expect(simulator.engine.listJobs({})).toHaveLength(0);
  });
});

describe('parallel starts of one workflow', () => {
  it('never adopts a sibling job after a lost creation', async () => {
    const { client, simulator } = await simulatedServer();
    simulator.faults.configure({
      seed: 17,
      rules: [
        { method: 'POST', path: ':jobs$', lostResponseRate: 0.3, resetRate: 0.2 },
        { method: 'POST', path: '/jobs/[^/]+$', lostResponseRate: 0.3 },
      ],
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) => client.run('/Examples/Greeting', { name: `p${index}` })),
    );

    expect(results.map((result) => result.outputs.greeting)).toEqual(
      Array.from({ length: 12 }, (_, index) => `Hello, p${index}!`),
    );
    expect(new Set(results.map((result) => result.status.jobId)).size).toBe(12);
    expect(simulator.stats.jobsCreated).toBe(12);
    expect(simulator.stats.executionsStarted).toBe(12);
  });
});

describe('fan-out of one workflow', () => {
  it('creates jobs in parallel without listing', async () => {
    const { simulator, manual } = await simulatedServer();
    const requests: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const countingFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? 'GET';
      requests.push(`${method} ${url.pathname}`);
      const creating = method === 'POST' && url.pathname.endsWith(':jobs');
      if (creating) maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await simulator.fetch(input, init);
      } finally {
        if (creating) inFlight -= 1;
      }
    }) as typeof fetch;
    const client = createClient({
      url: simulator.baseUrl,
      fetch: countingFetch,
      clock: new SteppingClock(manual),
      retry: { random: () => 0.5 },
    });

    const handles = await Promise.all(
      Array.from({ length: FAN_OUT }, (_, index) =>
        client.start('/Examples/Greeting', { name: `f${index}` }),
      ),
    );

    expect(new Set(handles.map((handle) => handle.id)).size).toBe(FAN_OUT);
    expect(simulator.stats.jobsCreated).toBe(FAN_OUT);
    expect(requests.filter((request) => request.startsWith('GET') && request.endsWith(':jobs'))).toEqual([]);
    expect(
      requests.filter((request) => request.startsWith('POST') && request.endsWith(':jobs')),
    ).toHaveLength(FAN_OUT);
    expect(maxInFlight).toBeGreaterThan(1);
  });
});
