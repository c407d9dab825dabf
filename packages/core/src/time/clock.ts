/**
 * Where the streaming engine reads the time from. Injected so that tests can drive batches
 * with a {@link ManualClock}.
 */
export interface Clock {
  getTimeMillis(): number;
  /** Resolves when the clock reads at least `targetTime`; returns the time then. */
  waitTillTime(targetTime: number): Promise<number>;
}

/** The wall clock. */
export class SystemClock implements Clock {
  getTimeMillis(): number { return Date.now(); }
  async waitTillTime(targetTime: number): Promise<number> {
    for (;;) {
      const now = Date.now();
      if (now >= targetTime) return now;
      // Sleep most of the gap, then re-check: timers may fire early or late by a few ms.
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(targetTime - now, 100))));
    }
  }
}
