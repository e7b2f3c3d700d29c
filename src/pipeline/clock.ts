/**
 * Time source of the pipeline runner. The shape matches the simulators' clock, so tests can drive a
 * run with a manual clock while production code uses {@link systemClock}.
 */
export interface PipelineClock {
  /** Current time in epoch milliseconds. */
  now(): number;

  /** Schedules `callback` once the clock reaches `atMs` (epoch milliseconds); returns a cancel function. */
  setTimer(atMs: number, callback: () => void): () => void;
}

/** Wall-clock time through `Date.now()` and `setTimeout`. */
export const systemClock: PipelineClock = {
  now: () => Date.now(),
  setTimer(atMs, callback) {
    const timer = setTimeout(callback, Math.max(0, atMs - Date.now()));
    return () => clearTimeout(timer);
  },
};

/**
 * Resolves once `clock` reaches `atMs`, or rejects with the signal's reason when the signal aborts
 * first.
 */
export function sleepUntil(clock: PipelineClock, atMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }

    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };

    const cancel = clock.setTimer(atMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });

    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
