import { describe, expect, it } from 'vitest';
import { createJob, harness } from './harness.js';

describe('fault injection through the app', () => {
  it('answers 5xx without creating a job', async () => {
    const h = await harness({ faults: { rules: [{ method: 'POST', path: ':jobs$', serverErrorRate: 1 }] } });
    const response = await h.call('POST', '/repository/Examples/Greeter:jobs');
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(h.sim.stats.jobsCreated).toBe(0);
    expect(h.sim.faults.counts.serverError).toBe(1);
    expect((await h.call('GET', '/repository/')).status).toBe(200);
  });

  it('resets before the work is done', async () => {
    const h = await harness({ faults: { rules: [{ path: ':jobs$', resetRate: 1 }] } });
    const error = await h.call('POST', '/repository/Examples/Greeter:jobs').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause: { code: string } }).cause.code).toBe('ECONNRESET');
    expect(h.sim.stats.jobsCreated).toBe(0);
  });

  it('loses the response after executing', async () => {
    const h = await harness({
      faults: { rules: [{ method: 'POST', path: '/jobs/[^/]+$', lostResponseRate: 1 }] },
    });
    const id = await createJob(h, '/Examples/Greeter');
    await expect(h.json('POST', `/jobs/${id}?async=true`, {})).rejects.toThrow('fetch failed');
    expect(h.sim.stats.executionsStarted).toBe(1);
    expect(h.sim.engine.getJob(id)?.state).toBe('EXECUTING');
    expect(h.sim.faults.counts.lostResponse).toBe(1);
  });

  it('answers an HTML 502 as a proxy would', async () => {
    const h = await harness({ faults: { rules: [{ path: '^/knime/rest/v4/jobs', nonJsonErrorRate: 1 }] } });
    const response = await h.call('GET', '/jobs');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
  });

  it('truncates an output download', async () => {
    const h = await harness({ faults: { rules: [{ path: '/output-resources/', truncateRate: 1 }] } });
    const id = await createJob(h, '/Examples/Files');
    await h.json('POST', `/jobs/${id}?async=true`, {});
    h.clock.advance(200);
    const response = await h.call('GET', `/jobs/${id}/output-resources/blob`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('300000');
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(h.sim.faults.counts.truncate).toBe(1);
  });

  it('adds latency', async () => {
    const h = await harness({ faults: { rules: [{ method: 'GET', latencyMs: 20 }] } });
    const started = performance.now();
    expect((await h.call('GET', '/jobs')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(h.sim.faults.counts.latency).toBe(1);
  });

  it('applies rules only to matching routes', async () => {
    const h = await harness({ faults: { rules: [{ method: 'DELETE', serverErrorRate: 1 }] } });
    const id = await createJob(h, '/Examples/Greeter');
    expect((await h.call('GET', `/jobs/${id}`)).status).toBe(200);
    expect((await h.call('DELETE', `/jobs/${id}`)).status).toBeGreaterThanOrEqual(500);
    expect(h.sim.engine.getJob(id)).toBeDefined();
  });
});
