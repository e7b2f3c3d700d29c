import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/pipeline/runner.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import { createWorkDir } from './support/workdir.js';

describe('runner on a manual clock', () => {
  it('times out a two-hour sensor without waiting', async () => {
    const work = createWorkDir();
    try {
      const clock = new ManualClock(Date.UTC(2026, 11, 4, 22, 0));
      const file = work.writePipeline(`
steps:
  export:
    kind: wait
    timeout: 2h
    poll-interval: 10m
    with: { file: never-appears.done }
`);
      const run = runPipeline(file, { ledgerPath: work.ledgerPath, clock });
      let settled = false;
      void run.finally(() => {
        settled = true;
      });

      // Each advance fires the next poll; the twelfth reaches the deadline.
      for (let i = 0; i < 20 && !settled; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        clock.advance(10 * 60_000);
      }

      const result = await run;
      expect(result.outcome).toBe('timed-out');
      expect(result.steps[0]!.error).toBe('step export timed out: its timeout of 2h (step clock) ran out');
      expect(clock.now()).toBeLessThanOrEqual(Date.UTC(2026, 11, 4, 22, 0) + 3 * 3_600_000);
    } finally {
      work.remove();
    }
  });
});
