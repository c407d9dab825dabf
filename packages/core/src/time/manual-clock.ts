import type { Clock } from './clock.ts';

type AdvanceHook = (newTime: number) => Promise<void>;

/**
 * A clock that moves only when told to, starting at 0 (or `startTime`). The streaming
 * engine registers an advance hook so that `await advance(ms)` resolves once every batch due
 * by the new time has run all its output operations, and rejects if one of them failed.
 */
export class ManualClock implements Clock {
  private time: number;
  private waiters: { target: number; resolve: (t: number) => void }[] = [];
  private hook: AdvanceHook | undefined;

  constructor(startTime = 0) { this.time = startTime; }

  getTimeMillis(): number { return this.time; }

  /** Sets the time (it must not go backwards) and wakes whoever waits for it. */
  setTime(timeToSet: number): void {
    if (timeToSet < this.time) throw new RangeError(`ManualClock cannot go back from ${this.time} to ${timeToSet}`);
    this.time = timeToSet;
    this.wake();
  }

  /**
   * Moves the clock forward by `timeToAdd` ms. Resolves when the engine attached to this clock
   * (if any) has finished every batch due by the new time.
   */
  async advance(timeToAdd: number): Promise<void> {
    if (!(timeToAdd >= 0)) throw new RangeError(`ManualClock.advance needs a non-negative number of ms, got ${timeToAdd}`);
    this.time += timeToAdd;
    this.wake();
    if (this.hook) await this.hook(this.time);
  }

  waitTillTime(targetTime: number): Promise<number> {
    if (this.time >= targetTime) return Promise.resolve(this.time);
    return new Promise((resolve) => this.waiters.push({ target: targetTime, resolve }));
  }

  /**
   * Called by the streaming engine: `hook(newTime)` is awaited by every `advance`.
   * @internal
   */
  setAdvanceHook(hook: AdvanceHook | undefined): void { this.hook = hook; }

  private wake(): void {
    const due = this.waiters.filter((w) => w.target <= this.time);
    this.waiters = this.waiters.filter((w) => w.target > this.time);
    for (const w of due) w.resolve(this.time);
  }
}
