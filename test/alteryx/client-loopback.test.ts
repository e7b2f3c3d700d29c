import { afterEach, describe, expect, it } from 'vitest';
import { AlteryxClient } from '../../src/alteryx/index.js';
import { type RunningAlteryxSimulator, startAlteryxSimulator } from '../../src/simulator/alteryx/index.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import { API_SECRET, CLEANUP, steppingClock } from './support.js';

describe('alteryx client over loopback', () => {
  let running: RunningAlteryxSimulator | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('adopts the job when the socket drops after the queue request', async () => {
    const manual = new ManualClock();
    running = await startAlteryxSimulator({
      clock: manual,
      runMs: 5000,
      faults: { rules: [{ method: 'POST', path: '/jobs$', lostResponseRate: 1 }] },
    });
    const client = new AlteryxClient({
      baseUrl: running.url.replace(/\/$/, ''),
      apiKey: 'sim-api-key',
      apiSecret: API_SECRET,
      clock: steppingClock(manual),
      reconcile: { checks: 2, delayMs: 100 },
    });

    const job = await client.queueJob(CLEANUP);
    const stats = running.simulator.stats;
    expect(stats.jobsQueued[CLEANUP]).toBe(1);
    expect(stats.queueRequests[CLEANUP]).toBe(1);
    expect(running.simulator.faults.counts.lostResponse).toBe(1);
    expect((await job.wait()).state).toBe('succeeded');
  });
});
