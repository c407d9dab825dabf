import { invariant } from '../util/invariant.ts';

/** Maps a value to its bucket's index, or -1 when it falls in none. */
export type BucketFunction = (x: number) => number;

/** Java's `Double.compare` order: -0 before 0, NaN after every number (Spark's bucket search uses it). */
function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (a === 0 && b === 0) return Object.is(a, b) ? 0 : Object.is(a, -0) ? -1 : 1;
  return 0;
}

/**
 * The bucket of `x` among sorted edges `buckets` by binary search: bucket i is
 * [buckets[i], buckets[i+1]), except the last, which includes its upper edge (Spark's rule).
 */
export function searchBucket(buckets: readonly number[]): BucketFunction {
  const last = buckets.length - 1;
  return (x) => {
    let lo = 0, hi = last;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareDoubles(buckets[mid]!, x);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid < last ? mid : mid - 1;
    }
    // `lo` is the insertion point: the value lies below the first edge or above the last.
    return lo > 0 && lo <= last ? lo - 1 : -1;
  };
}

/** The bucket of `x` among `count` equal buckets from `min` to `max` (last inclusive), by arithmetic. */
export function evenBucket(min: number, max: number, count: number): BucketFunction {
  return (x) => {
    if (Number.isNaN(x) || x < min || x > max) return -1;
    const b = Math.trunc(((x - min) / (max - min)) * count);
    // A zero-width range divides 0 by 0: Spark's `toInt` makes that bucket 0.
    return Number.isNaN(b) ? 0 : Math.min(b, count - 1);
  };
}

/** Checks a bucket-edge array as Spark does: at least two edges. */
export function checkBuckets(buckets: readonly number[]): void {
  invariant(buckets.length >= 2, `histogram needs at least two bucket edges, got ${buckets.length}: buckets array must have at least two elements`);
}

/**
 * `count` + 1 evenly spaced edges from `min` to `max` (the last exactly `max`), computed as
 * Spark's `histogram(bucketCount)` computes them so edges match its to the bit.
 */
export function evenEdges(min: number, max: number, count: number): number[] {
  if (min === max) return [min, min];
  const span = max - min;
  const edges: number[] = [];
  for (let s = 0; s < count; s++) edges.push(min + (s * span) / count);
  edges.push(max);
  return edges;
}

/** Counts one partition's values into `bucketCount` buckets with `bucketOf`. */
export function countBuckets(data: readonly number[], bucketCount: number, bucketOf: BucketFunction): number[] {
  const counts = new Array<number>(bucketCount).fill(0);
  for (let i = 0; i < data.length; i++) {
    const b = bucketOf(data[i]!);
    if (b >= 0) counts[b]!++;
  }
  return counts;
}
