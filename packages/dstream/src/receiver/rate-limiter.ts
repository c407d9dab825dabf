/**
 * A token bucket bounding how many records per second a receiver accepts
 * (`spark.streaming.receiver.maxRate`, and the rate backpressure sets). Tokens refill
 * continuously at `rate` per second up to a burst of `rate * burstMs / 1000` (at least one).
 * Unlike Spark's, it never blocks: {@link RateLimiter.tryAcquire} says whether a record may
 * pass now, and {@link RateLimiter.msUntilNextPermit} when to try again.
 */
export class RateLimiter {
  #rate: number;
  #tokens: number;
  #last: number;

  /**
   * @param rate records per second; `Infinity` (or <= 0) means unlimited.
   * @param maxRate the upper bound any later {@link RateLimiter.updateRate} respects (`maxRate`).
   * @param burstMs how many milliseconds' worth of tokens may accumulate.
   * @param now clock in ms (injected by tests).
   */
  constructor(
    rate: number,
    readonly maxRate: number = Number.POSITIVE_INFINITY,
    private readonly burstMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#rate = RateLimiter.#bound(rate, maxRate);
    this.#last = now();
    this.#tokens = this.#capacity();
  }

  static #bound(rate: number, maxRate: number): number {
    const r = rate > 0 ? rate : Number.POSITIVE_INFINITY;
    const m = maxRate > 0 ? maxRate : Number.POSITIVE_INFINITY;
    return Math.min(r, m);
  }

  /** The current limit in records per second (`Infinity` when unlimited). */
  get rate(): number { return this.#rate; }

  /**
   * Sets the limit (backpressure's estimate), never above `maxRate`; a rate <= 0 is ignored,
   * as in Spark.
   */
  updateRate(newRate: number): void {
    if (!(newRate > 0)) return;
    this.#refill();
    this.#rate = RateLimiter.#bound(newRate, this.maxRate);
    this.#tokens = Math.min(this.#tokens, this.#capacity());
  }

  /** Takes one token if there is one. */
  tryAcquire(): boolean {
    if (this.#rate === Number.POSITIVE_INFINITY) return true;
    if (this.#tokens < 1) this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 when one is available). */
  msUntilNextPermit(): number {
    if (this.#rate === Number.POSITIVE_INFINITY) return 0;
    this.#refill();
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) * 1000) / this.#rate;
  }

  #capacity(): number {
    return Math.max(1, (this.#rate * this.burstMs) / 1000);
  }

  #refill(): void {
    const t = this.now();
    const elapsed = t - this.#last;
    this.#last = t;
    if (elapsed > 0 && this.#rate !== Number.POSITIVE_INFINITY) this.#tokens = Math.min(this.#capacity(), this.#tokens + (elapsed * this.#rate) / 1000);
  }
}
