import { describe, expect, it } from 'vitest';
import { RDDComputeError } from '../src/index.ts';
import { failure, useSparkContext } from './helpers.ts';

describe('error messages', () => {
  const ctx = useSparkContext();

  it('a throwing map function names the RDD, the partition and the cause', async () => {
    const boom = new Error('bad record 3');
    const rdd = ctx.sc.parallelize([1, 2, 3, 4], 2).map((x) => { if (x === 3) throw boom; return x; }).setName('parsed');
    const e = await failure(rdd.collect());
    expect(e).toBeInstanceOf(RDDComputeError);
    expect(e.cause).toBe(boom);
    expect(e.partition).toBe(1);
    expect(e.message).toContain(`parsed MapPartitionsRDD[${rdd.id}] at map`);
    expect(e.message).toContain('partition 1');
    expect(e.message).toContain('bad record 3');
  });

  it('a throwing reduce function fails the shuffle naming the reducing RDD', async () => {
    const rdd = ctx.sc.parallelize<[string, number]>([['a', 1], ['a', 2]], 1).reduceByKey(() => { throw new TypeError('no'); });
    const e = await failure(rdd.collect());
    expect(e.message).toContain(`ShuffledRDD[${rdd.id}] at reduceByKey`);
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it('a throwing foreach names the action', async () => {
    const rdd = ctx.sc.parallelize([1], 1);
    const e = await failure(rdd.foreach(() => { throw new Error('sink down'); }));
    expect(e.message).toMatch(/run foreach on partition 0 of ParallelCollectionRDD/);
    expect((e.cause as Error).message).toBe('sink down');
  });

  it('names the failing RDD inside a chain of narrow operators (fused or not)', async () => {
    const base = ctx.sc.parallelize([1, 2, 3], 1);
    const bad = base.map((x) => x + 1).filter((x) => { if (x === 3) throw new Error('filter broke'); return true; });
    const chain = bad.map((x) => x * 2).map((x) => [x, 1] as [number, number]);
    for (const action of [chain.collect(), chain.reduceByKey((a, b) => a + b).collect(), chain.groupByKey().collect()]) {
      const e = await failure(action);
      expect(e.message).toContain(`MapPartitionsRDD[${bad.id}] at filter`);
      expect((e.cause as Error).message).toBe('filter broke');
    }
  });

  it('a throwing combine function after a fused chain names the shuffle, not the chain\'s last operator', async () => {
    const pairs = ctx.sc.parallelize([1, 2, 3], 1).map((x) => [x % 2, x] as [number, number]);
    const reduced = pairs.reduceByKey(() => { throw new TypeError('merge broke'); });
    const e = await failure(reduced.collect());
    expect(e.message).toContain(`ShuffledRDD[${reduced.id}] at reduceByKey`);
    expect(e.message).not.toContain(`MapPartitionsRDD[${pairs.id}]`);
    expect((e.cause as Error).message).toBe('merge broke');
  });

  it('an error thrown by a later operator of a chain names that operator, after a flatMap as after a map', async () => {
    const words = ctx.sc.parallelize(['a b', 'c d'], 1).flatMap((l) => l.split(' '));
    const bad = words.map((w) => { if (w === 'c') throw new Error('no c'); return [w, 1] as [string, number]; });
    for (const action of [bad.collect(), bad.count(), bad.reduceByKey((a, b) => a + b).collect()]) {
      const e = await failure(action);
      expect(e.message).toContain(`MapPartitionsRDD[${bad.id}] at map`);
      expect((e.cause as Error).message).toBe('no c');
    }
  });

  it('rejects async functions in foreach, which would run detached from the job', async () => {
    const e = await failure(ctx.sc.parallelize([1], 1).foreach(async () => {}));
    expect((e.cause as Error).message).toMatch(/returned a Promise, but tasks run synchronously/);
  });

  it('the context survives a failed job', async () => {
    await failure(ctx.sc.parallelize([1], 1).map(() => { throw new Error('x'); }).count());
    expect(await ctx.sc.parallelize([1, 2], 2).count()).toBe(2);
  });
});
