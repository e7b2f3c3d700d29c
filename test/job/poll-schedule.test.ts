import { describe, expect, it } from 'vitest';
import { pollDelay } from '../../src/job/handle.js';
import { simulatedServer } from '../library/simulator.js';

/**
 * Requests and detection delay of the default poll schedule, per execution time. docs/library.md
 * quotes this table; the test keeps the two in step.
 */
const MEASURED: Array<[durationMs: number, polls: number, detectionDelayMs: number]> = [
  [200, 2, 150],
  [2_000, 5, 1_350],
  [20_000, 10, 3_975],
  [200_000, 46, 3_975],
  [3_600_000, 726, 3_975],
];

describe('default poll schedule', () => {
  it('grows from 100 ms to a 5 s cap', () => {
    expect(Array.from({ length: 9 }, (_, index) => pollDelay({}, index))).toEqual([
      100, 250, 500, 1000, 1500, 2250, 3375, 5000, 5000,
    ]);
  });

  it.each(MEASURED)('detects the end of a %i ms job with %i polls', async (durationMs, polls, delayMs) => {
    const workflows = { '/Timed': { simulation: { loadMs: 50, durationMs } } };
    const { client, requests, clock } = await simulatedServer({ workflows });
    const handle = await client.start('/Timed');
    const executeAt = clock.now();
    const status = await handle.wait();

    const statusPolls = requests.slice(requests.findIndex((r) => r.includes('async=true')) + 1);
    expect(statusPolls).toHaveLength(polls);
    expect(status.finishedAt).toBe(executeAt + durationMs);
    expect(clock.now() - (status.finishedAt ?? 0)).toBe(delayMs);
  });
});
