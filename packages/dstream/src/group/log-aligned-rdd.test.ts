import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, SparkContext, Time, type RDD } from '@kindling/core';
import { LogAlignedRDD } from './log-aligned-rdd.ts';

let sc: SparkContext | undefined;
afterEach(async () => { await sc?.stop(); sc = undefined; });

/** An RDD whose partition u holds exactly `parts[u]`. */
function partitioned(c: SparkContext, parts: string[][]): RDD<string> {
  return c.parallelize(parts.map((_, u) => u), parts.length).mapPartitionsWithIndex((u) => parts[u]!);
}

describe('LogAlignedRDD (a union or transform seen as one log\'s partitions under group leases)', () => {
  it('gives partition i the parent\'s partitions i, i + n, ... (a union concatenates its members\' log partitions)', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('aligned'));
    // A union of two members of a 3-partition log: partitions 0-2 are the first member's, 3-5 the second's.
    const union = partitioned(sc, [['a0'], ['a1'], [], ['b0'], [], ['b2', 'b2x']]);
    const aligned = new LogAlignedRDD<string>(union, 3, () => true, 'unionWindow', new Time(1000));
    expect(aligned.getNumPartitions()).toBe(3);
    expect(await aligned.glom().collect()).toEqual([['a0', 'b0'], ['a1'], ['b2', 'b2x']]);
  });

  it('fails the job, naming the stream and batch, when records sit in a partition this instance does not run, or the count is not a multiple', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('aligned'));
    // A 2-partition log of which this instance runs partition 0 in the batch: parent partitions 0 and 2 are log partition 0's (kept), 1 and 3 must be empty.
    const moved = partitioned(sc, [['x'], [], ['y'], []]);
    const owns = (i: number): boolean => i === 0;
    await expect(new LogAlignedRDD<string>(moved, 2, owns, 'movedWindow', new Time(2000)).collect())
      .resolves.toEqual(['x', 'y']);
    const wrong = partitioned(sc, [['x'], ['z'], [], []]);
    await expect(new LogAlignedRDD<string>(wrong, 2, owns, 'movedWindow', new Time(2000)).collect())
      .rejects.toThrow(/movedWindow: batch 2000 ms: partition 1 holds 1 record\(s\) for log partition 1, which this instance does not run/);
    await expect(new LogAlignedRDD<string>(partitioned(sc, [['x'], [], []]), 2, () => true, 'movedWindow', new Time(3000)).collect())
      .rejects.toThrow(/movedWindow: batch 3000 ms has 3 partitions, not a multiple of the log's 2/);
  });
});
