import type { OffsetRange } from './offset-range.ts';

/**
 * Spark's `HasOffsetRanges`: an RDD read from a partitioned log knows the offset range of each
 * of its partitions (partition i of the RDD is `offsetRanges[i]`). The RDD a direct stream
 * hands to `foreachRDD` (or `transform`) has them; RDDs derived from it (after `map`) do not,
 * as in Spark, so read them first.
 *
 * @example
 * ```ts fragment: `stream` is a direct stream (e.g. RedisStreamsUtils.createDirectStream)
 * stream.foreachRDD(async (rdd) => {
 *   const ranges = hasOffsetRanges(rdd) ? rdd.offsetRanges : [];
 *   // ... outputs ...
 *   stream.commitAsync(ranges);
 * });
 * ```
 */
export interface HasOffsetRanges {
  readonly offsetRanges: readonly OffsetRange[];
}

/** Whether `x` has offset ranges (Scala's `rdd.asInstanceOf[HasOffsetRanges]`, checked). */
export function hasOffsetRanges<T extends object>(x: T): x is T & HasOffsetRanges {
  return Array.isArray((x as Partial<HasOffsetRanges>).offsetRanges);
}
