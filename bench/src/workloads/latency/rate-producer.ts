/**
 * Offers records at a fixed rate on the real clock: every millisecond it hands `deliver` the
 * records due by now (record i is due at `start + i / rate`), cycling through `pool`. The
 * latency of record i is measured from its due time, so time the producer itself loses while
 * the event loop is busy counts against the system under test.
 */
export class RateProducer {
  private timer: NodeJS.Timeout | undefined;
  private startMs = 0;
  private produced = 0;
  private endMs = 0;

  constructor(
    private readonly pool: readonly string[],
    private readonly ratePerSec: number,
    private readonly deliver: (record: string) => void,
  ) {}

  /** Starts offering records for `seconds`. */
  start(seconds: number): void {
    this.startMs = performance.now();
    this.endMs = this.startMs + seconds * 1000;
    this.timer = setInterval(() => this.tick(), 1);
  }

  private tick(): void {
    const now = Math.min(performance.now(), this.endMs);
    const due = Math.floor(((now - this.startMs) * this.ratePerSec) / 1000);
    const pool = this.pool;
    for (let i = this.produced; i < due; i++) this.deliver(pool[i % pool.length]!);
    this.produced = due;
    if (now >= this.endMs) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records offered so far. */
  get count(): number {
    return this.produced;
  }

  /** Record `i` (0-based) of the offer. */
  record(i: number): string {
    return this.pool[i % this.pool.length]!;
  }

  /** When record `i` (0-based) was due, on the `performance.now()` clock. */
  dueTime(i: number): number {
    return this.startMs + (i * 1000) / this.ratePerSec;
  }
}
