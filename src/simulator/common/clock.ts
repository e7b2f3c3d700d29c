/**
 * Time source of the simulators. Every state change of a simulated job is scheduled on a clock, so
 * tests can run a ten-minute job in milliseconds with {@link ManualClock}.
 */
export interface SimClock {
  /** Current time in epoch milliseconds. */
  now(): number;

  /**
   * Schedules `callback` to run once the clock reaches `atMs` (epoch milliseconds).
   * Returns a function that cancels the timer.
   */
  setTimer(atMs: number, callback: () => void): () => void;
}

/** Resolves once `clock` reaches `atMs`, or rejects with the signal's reason when it aborts first. */
export function sleepUntil(clock: SimClock, atMs: number, signal?: AbortSignal): Promise<void> {
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

/** Wall-clock time, optionally sped up by `scale` (2 runs simulated jobs twice as fast). */
export class RealClock implements SimClock {
  readonly #scale: number;
  readonly #origin = Date.now();

  constructor(scale = 1) {
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new RangeError(`time scale must be a positive number, got ${scale}`);
    }
    this.#scale = scale;
  }

  now(): number {
    return this.#origin + (Date.now() - this.#origin) * this.#scale;
  }

  setTimer(atMs: number, callback: () => void): () => void {
    const delay = Math.max(0, (atMs - this.now()) / this.#scale);
    const timer = setTimeout(callback, delay);
    timer.unref?.();
    return () => clearTimeout(timer);
  }
}

interface PendingTimer {
  atMs: number;
  order: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to. {@link advance} fires due timers in time order and sets
 * `now()` to each timer's time before its callback runs.
 */
export class ManualClock implements SimClock {
  #now: number;
  #order = 0;
  #timers: PendingTimer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(atMs: number, callback: () => void): () => void {
    const timer: PendingTimer = { atMs, order: this.#order++, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms` milliseconds, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `atMs`, firing every timer that falls due on the way. */
  advanceTo(atMs: number): void {
    for (;;) {
      const next = this.#nextDue(atMs);
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.atMs);
      next.callback();
    }
    this.#now = Math.max(this.#now, atMs);
  }

  #nextDue(limitMs: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.atMs > limitMs) continue;
      if (!best || timer.atMs < best.atMs || (timer.atMs === best.atMs && timer.order < best.order)) {
        best = timer;
      }
    }
    return best;
  }
}
