import { describe, expect, it } from 'vitest';
import { SparkConf } from '../spark-conf.ts';
import { SparkContext } from '../internal.ts';
import { RDDComputeError } from './rdd-compute-error.ts';
import { countPartitionRecords } from './record-pipeline.ts';

// `mapPartitions(countPartitionRecords)` (DStream.count's first step) is evaluated by counting
// what the fused chain of record ops below it outputs: the answers must be those of counting
// the materialised partitions, whatever the chain.
describe('counting a partition through its chain of record ops', () => {
  const sc = () => new SparkContext(new SparkConf().setMaster('local[1]').setAppName('record-count'));

  it('counts per partition what filter, flatMap and map chains output', async () => {
    const ctx = sc();
    try {
      const xs = Array.from({ length: 1000 }, (_, i) => i);
      const parts = 3;
      // Spark's slicing: partition p holds xs[floor(p*n/k), floor((p+1)*n/k))
      const slices = Array.from({ length: parts }, (_, p) => xs.slice(Math.floor((p * xs.length) / parts), Math.floor(((p + 1) * xs.length) / parts)));
      const expected = slices.map((s) => s.filter((x) => x % 7 === 0).flatMap((x) => [x, x + 1]).filter((x) => x % 2 === 0).length);
      const counted = ctx.parallelize(xs, parts)
        .filter((x) => x % 7 === 0)
        .flatMap((x) => [x, x + 1])
        .map((x) => x * 1)
        .filter((x) => x % 2 === 0)
        .mapPartitions(countPartitionRecords);
      expect(await counted.collect()).toEqual(expected);
      // one op below, and none (the parent's own partition)
      expect(await ctx.parallelize(xs, parts).filter((x) => x > 500).mapPartitions(countPartitionRecords).collect())
        .toEqual(slices.map((s) => s.filter((x) => x > 500).length));
      expect(await ctx.parallelize(xs, parts).mapPartitions(countPartitionRecords).collect()).toEqual(slices.map((s) => s.length));
    } finally {
      ctx.stop();
    }
  });

  it('calls each function once per record, and a persisted parent is counted from its stored partition', async () => {
    const ctx = sc();
    try {
      let calls = 0;
      const kept = ctx.parallelize(['a b', 'c', '', 'd e f'], 2).flatMap((l) => l.split(' ')).filter((w) => { calls++; return w !== ''; });
      expect(await kept.mapPartitions(countPartitionRecords).collect()).toEqual([3, 3]);
      expect(calls).toBe(7);
      kept.cache();
      expect(await kept.collect()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(calls).toBe(14);
      expect(await kept.mapPartitions(countPartitionRecords).collect()).toEqual([3, 3]);
      expect(calls).toBe(14);
    } finally {
      ctx.stop();
    }
  });

  it('fails naming the RDD whose function threw', async () => {
    const ctx = sc();
    try {
      const bad = ctx.parallelize([1, 2, 3], 1).map((x) => x + 1).filter((x) => { if (x === 3) throw new Error('bad record 3'); return true; }).setName('the-filter');
      const error = await bad.mapPartitions(countPartitionRecords).collect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RDDComputeError);
      expect(String((error as Error).message)).toContain('the-filter');
      expect(String((error as Error).message)).toContain('bad record 3');
    } finally {
      ctx.stop();
    }
  });
});
