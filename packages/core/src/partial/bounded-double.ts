/**
 * A number with error bars, as Spark's `BoundedDouble`: the estimate `mean`, the interval
 * `[low, high]` it lies in with probability `confidence`. The approximate actions of a local
 * context always finish their job, so what they return is exact: `low === mean === high` and
 * `confidence` 1.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const b = new BoundedDouble(38, 1, 38, 38);
 * assert.equal(b.toString(), '[38.000, 38.000]');
 * assert.ok(b.equals(new BoundedDouble(38, 1, 38, 38)));
 * ```
 */
export class BoundedDouble {
  constructor(
    readonly mean: number,
    readonly confidence: number,
    readonly low: number,
    readonly high: number,
  ) {}

  /** `[low, high]` with three decimals, as Spark prints it (`[-Infinity, Infinity]` unbounded). */
  toString(): string {
    return `[${this.low.toFixed(3)}, ${this.high.toFixed(3)}]`;
  }

  /** Equal when all four numbers are (as Spark's `equals`: a NaN mean is equal to nothing). */
  equals(that: unknown): boolean {
    return that instanceof BoundedDouble && this.mean === that.mean && this.confidence === that.confidence && this.low === that.low && this.high === that.high;
  }

  /** An exact value: its own interval, with confidence 1 (what a finished job gives). @internal */
  static exact(value: number): BoundedDouble {
    return new BoundedDouble(value, 1, value, value);
  }
}
