// The numeric RDD's one-pass summaries (Spark's DoubleRDDFunctions `stats` and `histogram`):
// the class's methods delegate here.
import type { RDD } from './rdd.ts';
import { invariant } from '../util/invariant.ts';
import { StatCounter } from '../util/stat-counter.ts';
import { checkBuckets, countBuckets, evenBucket, evenEdges, searchBucket } from './histogram.ts';

/** See {@link RDD.stats}. */
export async function stats(rdd: RDD<number>): Promise<StatCounter> {
  const parts = await rdd.context.runJob(rdd, (data: readonly number[]) => new StatCounter().mergeValues(data), undefined, 'stats');
  const total = new StatCounter();
  for (const p of parts) total.mergeCounter(p);
  return total;
}

/** See {@link RDD.histogram}. */
export async function histogram(rdd: RDD<number>, arg: number | readonly number[], evenBuckets: boolean): Promise<[number[], number[]] | number[]> {
  if (typeof arg === 'number') {
    invariant(Number.isInteger(arg) && arg >= 1, `histogram needs a positive whole bucket count, got ${arg}`);
    const s = await stats(rdd);
    if (s.count === 0 || !Number.isFinite(s.min) || !Number.isFinite(s.max)) {
      throw new Error('Histogram on either an empty RDD or RDD containing +/-infinity or NaN: filter those out first');
    }
    const edges = evenEdges(s.min, s.max, arg);
    return [edges, (await histogram(rdd, edges, true)) as number[]];
  }
  const buckets = arg.slice();
  checkBuckets(buckets);
  const bucketOf = evenBuckets ? evenBucket(buckets[0]!, buckets[buckets.length - 1]!, buckets.length - 1) : searchBucket(buckets);
  const n = buckets.length - 1;
  const parts = await rdd.context.runJob(rdd, (data: readonly number[]) => countBuckets(data, n, bucketOf), undefined, 'histogram');
  const total = new Array<number>(n).fill(0);
  for (const p of parts) for (let i = 0; i < n; i++) total[i]! += p[i]!;
  return total;
}
