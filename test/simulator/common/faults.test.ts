import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, sleepUntil } from '../../../src/simulator/common/clock.js';
import { FaultInjector } from '../../../src/simulator/common/faults.js';
import {
  inProcessFetch,
  type LoopbackServer,
  serveOnLoopback,
} from '../../../src/simulator/common/transport.js';

function appWith(faults: FaultInjector) {
  let calls = 0;
  const app = new Hono();
  app.use('*', faults.middleware());
  app.post('/work', (c) => {
    calls++;
    return c.json({ calls });
  });
  app.get('/file', (c) => c.body(new Uint8Array(1000).fill(7), 200, { 'content-length': '1000' }));
  return { app, calls: () => calls };
}

describe('fault injection', () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reset in-process rejects before the work is done', async () => {
    const faults = new FaultInjector({ rules: [{ path: '^/work$', resetRate: 1 }] });
    const { app, calls } = appWith(faults);
    const error = await inProcessFetch(app)('http://sim/work', { method: 'POST' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError & { cause: { code: string } }).cause.code).toBe('ECONNRESET');
    expect(calls()).toBe(0);
    expect(faults.counts.reset).toBe(1);
  });

  it('lost response does the work, then resets', async () => {
    const faults = new FaultInjector({ rules: [{ method: 'post', lostResponseRate: 1 }] });
    const { app, calls } = appWith(faults);
    await expect(inProcessFetch(app)('http://sim/work', { method: 'POST' })).rejects.toThrow('fetch failed');
    expect(calls()).toBe(1);
    expect(faults.counts.lostResponse).toBe(1);
  });

  it('server error answers 5xx without work', async () => {
    const faults = new FaultInjector({ rules: [{ serverErrorRate: 1 }] });
    const { app, calls } = appWith(faults);
    const response = await inProcessFetch(app)('http://sim/work', { method: 'POST' });
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(calls()).toBe(0);
  });

  it('non-JSON error answers an HTML 502', async () => {
    const faults = new FaultInjector({ rules: [{ nonJsonErrorRate: 1 }] });
    const { app } = appWith(faults);
    const response = await inProcessFetch(app)('http://sim/work', { method: 'POST' });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
  });

  it('same seed gives the same fault sequence', async () => {
    const draw = async () => {
      const faults = new FaultInjector({ seed: 42, rules: [{ serverErrorRate: 0.5 }] });
      const { app } = appWith(faults);
      const fetcher = inProcessFetch(app);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await fetcher('http://sim/work', { method: 'POST' })).status);
      return statuses;
    };
    const first = await draw();
    expect(await draw()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('truncation in-process fails the body read', async () => {
    const faults = new FaultInjector({ rules: [{ path: '^/file$', truncateRate: 1 }] });
    const { app } = appWith(faults);
    const response = await inProcessFetch(app)('http://sim/file');
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('reset over loopback drops the socket', async () => {
    const faults = new FaultInjector({ rules: [{ path: '^/work$', resetRate: 1 }] });
    server = await serveOnLoopback(appWith(faults).app);
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${server.origin}/work`, { method: 'POST' })).rejects.toThrow('fetch failed');
  });

  it('truncation over loopback cuts the body', async () => {
    const faults = new FaultInjector({ rules: [{ path: '^/file$', truncateRate: 1 }] });
    server = await serveOnLoopback(appWith(faults).app);
    const response = await fetch(`${server.origin}/file`);
    expect(response.headers.get('content-length')).toBe('1000');
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('rejects a rate above one', () => {
    expect(() => new FaultInjector({ rules: [{ resetRate: 2 }] })).toThrow();
  });
});

describe('ManualClock', () => {
  it('fires timers in time order on advance', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(99, () => fired.push('late'));
    clock.advance(50);
    expect(fired).toEqual(['a@10', 'b@30']);
    expect(clock.now()).toBe(50);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires a timer scheduled by a firing timer', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimer(10, () => clock.setTimer(20, () => fired.push(clock.now())));
    clock.advance(25);
    expect(fired).toEqual([20]);
  });

  it('sleepUntil resolves on advance and rejects on abort', async () => {
    const clock = new ManualClock(0);
    const done = sleepUntil(clock, 600_000);
    clock.advance(600_000);
    await expect(done).resolves.toBeUndefined();

    const controller = new AbortController();
    const aborted = sleepUntil(clock, clock.now() + 1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });
});
