import { describe, expect, it } from 'vitest';
import { HashPartitioner, InvalidPartitionError, Partitioner, RDDComputeError } from '../src/index.ts';
import { failure, useSparkContext } from './helpers.ts';

// Spark accepts a partition count of 0 for a shuffle (HashPartitioner and RangePartitioner
// require >= 0: `emptyRDD().reduceByKey(f)` defaults to 0 partitions) and fails the task that
// has a record to place (hashCode mod 0). A RangePartitioner asked for 0 or 1 partitions has
// no bounds and so one partition. Negative counts are refused when the partitioner is built.

const USER_TAIL = /came from a function passed/;

/** Sends every key to partition `to`, whatever its count. */
class FixedPartitioner extends Partitioner {
  constructor(readonly numPartitions: number, private readonly to: number) { super(); }
  getPartition(): number { return this.to; }
}

describe('shuffles asked for 0 partitions, or given partitions out of range', () => {
  const ctx = useSparkContext('local[1]');
  const pairs = () => ctx.sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['a', 3]], 2);

  it('reduceByKey(f, 0) on records fails naming the operation, the partitioner and the key, not the user function', async () => {
    const e = await failure(pairs().reduceByKey((a, b) => a + b, 0).collect());
    expect(e).toBeInstanceOf(RDDComputeError);
    expect(e.cause).toBeInstanceOf(InvalidPartitionError);
    expect(e.message).toMatch(/Failed to shuffle \(map side of\) map partition 0 of ShuffledRDD\[\d+\] at reduceByKey: HashPartitioner\(0\) has 0 partitions: it cannot place the record with key "a"/);
    expect(e.message).toMatch(/pass numPartitions >= 1/);
    expect(e.message).toMatch(/partition count passed to this RDD \(0\), not a function/);
    expect(e.message).not.toMatch(USER_TAIL);
    expect(e.message).not.toMatch(/partition partition/);
  });

  it('groupByKey, join and distinct with 0 partitions fail the same way (records as columns and as pairs)', async () => {
    for (const action of [
      () => pairs().groupByKey(0).collect(),
      () => pairs().join(pairs(), 0).collect(),
      () => ctx.sc.parallelize([1, 2, 2], 2).distinct(0).collect(),
      () => pairs().partitionBy(new HashPartitioner(0)).collect(),
    ]) {
      const e = await failure(action());
      expect((e.cause as Error).name).toBe('InvalidPartitionError');
      expect(e.message).toMatch(/HashPartitioner\(0\) has 0 partitions/);
      expect(e.message).not.toMatch(USER_TAIL);
    }
  });

  it('0 partitions with no record to place give an empty result, as in Spark', async () => {
    expect(await ctx.sc.emptyRDD<[string, number]>().reduceByKey((a, b) => a + b, 0).collect()).toEqual([]);
    expect(await ctx.sc.emptyRDD<[string, number]>().reduceByKey((a, b) => a + b).collect()).toEqual([]);
    const none = pairs().filter(() => false).reduceByKey((a, b) => a + b, 0);
    expect(none.getNumPartitions()).toBe(0);
    expect(await none.collect()).toEqual([]);
  });

  it('sortByKey and sortBy with 0 partitions sort into one partition (a RangePartitioner of 0 has one)', async () => {
    const sorted = pairs().sortByKey(false, 0);
    expect(sorted.getNumPartitions()).toBe(1);
    expect(await sorted.collect()).toEqual([['b', 2], ['a', 1], ['a', 3]]);
    const byValue = ctx.sc.parallelize([3, 1, 2], 2).sortBy((x) => x, true, 0);
    expect(await byValue.collect()).toEqual([1, 2, 3]);
    expect(ctx.sc.emptyRDD<number>().sortBy((x) => x).getNumPartitions()).toBe(1);
  });

  it('negative and fractional counts are refused when the shuffle is defined', () => {
    expect(() => pairs().reduceByKey((a, b) => a + b, -1)).toThrow(/non-negative integer number of partitions, got -1/);
    expect(() => pairs().groupByKey(1.5)).toThrow(/got 1\.5/);
    expect(() => pairs().sortByKey(true, -2)).toThrow(/got -2/);
  });

  it('a partitioner that answers out of range is named with the key and its answer, records as pairs or as columns', async () => {
    for (const to of [2, -1, 0.5, Number.NaN]) {
      const grouped = await failure(pairs().partitionBy(new FixedPartitioner(2, to)).collect());
      expect(grouped.cause).toBeInstanceOf(InvalidPartitionError);
      expect(grouped.message).toContain(`FixedPartitioner(2) returned partition ${to} for key "a"; getPartition must return an integer in 0..1`);
      const reduced = await failure(pairs().reduceByKey((a, b) => a + b, new FixedPartitioner(2, to)).collect());
      expect(reduced.cause).toBeInstanceOf(InvalidPartitionError);
      expect(reduced.message).toMatch(/The cause is the partitioner passed to this RDD/);
      expect(reduced.message).not.toMatch(USER_TAIL);
    }
  });

  it('a partitioner in range still places every key where it says', async () => {
    const parts = await pairs().reduceByKey((a, b) => a + b, new FixedPartitioner(3, 2)).glom().collect();
    expect(parts.map((p) => p.sort())).toEqual([[], [], [['a', 4], ['b', 2]]]);
  });

  it('a throwing user function is still named as the cause', async () => {
    const e = await failure(pairs().map(() => { throw new Error('mine'); }).collect());
    expect(e.message).toMatch(USER_TAIL);
    const r = await failure(pairs().reduceByKey(() => { throw new Error('mine too'); }, 2).collect());
    expect(r.message).toMatch(USER_TAIL);
  });
});
