/**
 * Tracks the peak V8 heap in use. Synchronous hand loops starve timers, so callers also
 * `sample()` at every batch boundary; the interval catches what happens between.
 */
export class HeapSampler {
  private peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 5): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const used = process.memoryUsage().heapUsed;
    if (used > this.peakBytes) this.peakBytes = used;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peakBytes;
  }
}
