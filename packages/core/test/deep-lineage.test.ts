import { describe, expect, it } from 'vitest';
import { useSparkContext, useTempDir } from './helpers.ts';
import type { RDD } from '../src/index.ts';

describe('deep lineage', () => {
  const ctx = useSparkContext();
  const tmp = useTempDir();

  it('collects a 10,000-deep map chain without overflowing the stack', async () => {
    let rdd: RDD<number> = ctx.sc.parallelize([0, 1, 2, 3], 2);
    for (let i = 0; i < 10_000; i++) rdd = rdd.map((x) => x + 1);
    expect(await rdd.collect()).toEqual([10_000, 10_001, 10_002, 10_003]);
    expect(rdd.getNumPartitions()).toBe(2);
    expect(rdd.toDebugString().split('\n')).toHaveLength(10_001);
  });

  it('a 10,000-deep chain with shuffles and unions every 100 steps', async () => {
    let rdd: RDD<[number, number]> = ctx.sc.parallelize<[number, number]>([[1, 0], [2, 0]], 2);
    for (let i = 0; i < 10_000; i++) {
      rdd = rdd.mapValues((v) => v + 1);
      if (i % 100 === 99) rdd = rdd.reduceByKey((a, b) => a + b);
    }
    expect(new Map(await rdd.collect())).toEqual(new Map([[1, 10_000], [2, 10_000]]));
  });

  it('checkpointing every 100 steps keeps toDebugString at about 100 lines', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    let rdd: RDD<number> = ctx.sc.parallelize([1, 2, 3], 3);
    for (let i = 1; i <= 10_000; i++) {
      rdd = rdd.map((x) => x + 1);
      if (i % 100 === 0) {
        rdd.checkpoint();
        await rdd.count();
        expect(rdd.isCheckpointed).toBe(true);
      }
    }
    expect(await rdd.collect()).toEqual([10_001, 10_002, 10_003]);
    expect(rdd.toDebugString().split('\n').length).toBeLessThanOrEqual(101);
    rdd = rdd.map((x) => x);
    for (let i = 0; i < 50; i++) rdd = rdd.map((x) => x);
    expect(rdd.toDebugString().split('\n').length).toBe(53);
  });
});
