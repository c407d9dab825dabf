/**
 * Count, mean, variance, max and min of a set of numbers, kept in a numerically robust way
 * (Welford's running update; Chan's formula to merge two counters), as Spark's `StatCounter`.
 * `rdd.stats()` builds one per partition and merges them in the driver.
 */
export class StatCounter {
  private n = 0;
  private mu = 0;
  /** The sum of squared differences from the running mean. */
  private m2 = 0;
  private maxValue = Number.NEGATIVE_INFINITY;
  private minValue = Number.POSITIVE_INFINITY;

  /** A counter holding `values` (none by default). */
  constructor(values: Iterable<number> = []) {
    this.mergeValues(values);
  }

  /** Adds one value; returns this. */
  merge(value: number): this;
  /** Adds another counter's statistics; returns this. */
  merge(other: StatCounter): this;
  merge(x: number | StatCounter): this {
    return typeof x === 'number' ? this.mergeValue(x) : this.mergeCounter(x);
  }

  /** Adds one value; returns this. */
  mergeValue(value: number): this {
    const delta = value - this.mu;
    this.n++;
    this.mu += delta / this.n;
    this.m2 += delta * (value - this.mu);
    this.maxValue = Math.max(this.maxValue, value);
    this.minValue = Math.min(this.minValue, value);
    return this;
  }

  /** Adds every value of `values`; returns this. */
  mergeValues(values: Iterable<number>): this {
    for (const v of values) this.mergeValue(v);
    return this;
  }

  /** Adds another counter's statistics (the mean shifted from the larger side when sizes differ tenfold); returns this. */
  mergeCounter(other: StatCounter): this {
    if (other === this) return this.mergeCounter(other.copy());
    if (this.n === 0) {
      this.mu = other.mu;
      this.m2 = other.m2;
      this.n = other.n;
      this.maxValue = other.maxValue;
      this.minValue = other.minValue;
    } else if (other.n !== 0) {
      const total = this.n + other.n;
      const delta = other.mu - this.mu;
      if (other.n * 10 < this.n) this.mu = this.mu + (delta * other.n) / total;
      else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / total;
      else this.mu = (this.mu * this.n + other.mu * other.n) / total;
      this.m2 += other.m2 + (delta * delta * this.n * other.n) / total;
      this.n = total;
      this.maxValue = Math.max(this.maxValue, other.maxValue);
      this.minValue = Math.min(this.minValue, other.minValue);
    }
    return this;
  }

  /** An independent counter with the same statistics. */
  copy(): StatCounter {
    const c = new StatCounter();
    c.n = this.n;
    c.mu = this.mu;
    c.m2 = this.m2;
    c.maxValue = this.maxValue;
    c.minValue = this.minValue;
    return c;
  }

  /** How many values were added. */
  get count(): number { return this.n; }
  /** Their mean (0 when none, as Spark's). */
  get mean(): number { return this.mu; }
  /** Their sum. */
  get sum(): number { return this.n * this.mu; }
  /** The largest value (-Infinity when none). */
  get max(): number { return this.maxValue; }
  /** The smallest value (Infinity when none). */
  get min(): number { return this.minValue; }
  /** The population variance (divides by n; NaN when none). */
  get variance(): number { return this.popVariance; }
  /** The population variance (divides by n; NaN when none). */
  get popVariance(): number { return this.n === 0 ? Number.NaN : this.m2 / this.n; }
  /** The sample variance (divides by n - 1; NaN for fewer than two values). */
  get sampleVariance(): number { return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1); }
  /** The population standard deviation. */
  get stdev(): number { return Math.sqrt(this.popVariance); }
  /** The population standard deviation. */
  get popStdev(): number { return Math.sqrt(this.popVariance); }
  /** The sample standard deviation (divides by n - 1). */
  get sampleStdev(): number { return Math.sqrt(this.sampleVariance); }

  /** `(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)`, as Spark prints it. */
  toString(): string {
    const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(6) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity');
    return `(count: ${this.n}, mean: ${f(this.mu)}, stdev: ${f(this.stdev)}, max: ${f(this.maxValue)}, min: ${f(this.minValue)})`;
  }
}
