// Spark's approximate actions on every RDD (`countApprox`, `countByValueApprox`), on pair RDDs
// (`countByKeyApprox`) and on numeric RDDs (`sumApprox`, `meanApprox`), added to `RDD` from
// here as Scala adds them through implicits, so that rdd.ts stays the core of the class.
import { RDD } from './rdd.ts';
import type { BoundedDouble } from '../partial/bounded-double.ts';
import type { PartialResult } from '../partial/partial-result.ts';
import { countApprox, countByValueApprox, statApprox } from '../partial/approximate-actions.ts';

declare module './rdd.ts' {
  interface RDD<T> {
    /**
     * The number of elements, as Spark's `countApprox(timeout, confidence = 0.95)`: Spark
     * answers after `timeout` ms with bounds at `confidence` (which must be in `[0, 1]`). Under
     * a local context the job always runs to its end, so the result is exact and final when
     * the promise resolves: `initialValue` is `BoundedDouble(n, 1, n, n)`.
     *
     * @example
     * ```ts
     * import assert from 'node:assert/strict';
     * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('approx'));
     * const r = await sc.parallelize([1, 2, 3, 4, 5], 3).countApprox(10_000, 0.9);
     * assert.equal(r.initialValue.mean, 5);
     * assert.equal(r.toString(), '(final: [5.000, 5.000])');
     * sc.stop();
     * ```
     */
    countApprox(timeout: number, confidence?: number): Promise<PartialResult<BoundedDouble>>;
    /**
     * How many times each distinct element occurs, as Spark's `countByValueApprox(timeout,
     * confidence = 0.95)`: exact and final under a local context (see `countApprox`), each
     * count as `BoundedDouble(c, 1, c, c)`.
     */
    countByValueApprox(timeout: number, confidence?: number): Promise<PartialResult<Map<T, BoundedDouble>>>;
    /**
     * The number of pairs per key, as Spark's `countByKeyApprox(timeout, confidence = 0.95)`
     * (`map(_._1).countByValueApprox`): exact and final under a local context.
     */
    countByKeyApprox<K, V>(this: RDD<[K, V]>, timeout: number, confidence?: number): Promise<PartialResult<Map<K, BoundedDouble>>>;
    /**
     * The sum of a numeric RDD, as Spark's `sumApprox(timeout, confidence = 0.95)`: exact and
     * final under a local context (`BoundedDouble(sum, 1, sum, sum)`, the sum being
     * `StatCounter`'s count times mean, as Spark's).
     */
    sumApprox(this: RDD<number>, timeout: number, confidence?: number): Promise<PartialResult<BoundedDouble>>;
    /**
     * The mean of a numeric RDD, as Spark's `meanApprox(timeout, confidence = 0.95)`: exact and
     * final under a local context (`BoundedDouble(mean, 1, mean, mean)`; 0 when empty, as
     * Spark's `StatCounter`).
     */
    meanApprox(this: RDD<number>, timeout: number, confidence?: number): Promise<PartialResult<BoundedDouble>>;
  }
}

RDD.prototype.countApprox = function countApproxMethod<T>(this: RDD<T>, timeout: number, confidence = 0.95) {
  return countApprox(this, timeout, confidence);
};
RDD.prototype.countByValueApprox = function countByValueApproxMethod<T>(this: RDD<T>, timeout: number, confidence = 0.95) {
  return countByValueApprox(this, timeout, confidence);
};
RDD.prototype.countByKeyApprox = function countByKeyApproxMethod<K, V>(this: RDD<[K, V]>, timeout: number, confidence = 0.95) {
  return countByValueApprox(this.keys(), timeout, confidence);
};
RDD.prototype.sumApprox = function sumApproxMethod(this: RDD<number>, timeout: number) {
  return statApprox(this, timeout, 'sum');
};
RDD.prototype.meanApprox = function meanApproxMethod(this: RDD<number>, timeout: number) {
  return statApprox(this, timeout, 'mean');
};
