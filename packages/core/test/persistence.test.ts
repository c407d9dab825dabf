import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StorageLevel } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

describe('persist / cache / unpersist', () => {
  const ctx = useSparkContext();

  it('computes a cached RDD once', async () => {
    let calls = 0;
    const rdd = ctx.sc.parallelize([1, 2, 3, 4], 2).map((x) => { calls++; return x * 2; }).cache();
    expect(rdd.getStorageLevel()).toBe(StorageLevel.MEMORY_ONLY);
    expect(await rdd.collect()).toEqual([2, 4, 6, 8]);
    expect(await rdd.count()).toBe(4);
    expect(await rdd.map((x) => x + 1).collect()).toEqual([3, 5, 7, 9]);
    expect(calls).toBe(4);
    expect(ctx.sc.getPersistentRDDs().has(rdd.id)).toBe(true);
    rdd.unpersist();
    expect(rdd.getStorageLevel()).toBe(StorageLevel.NONE);
    await rdd.count();
    expect(calls).toBe(8);
  });

  it('without cache, each action recomputes', async () => {
    let calls = 0;
    const rdd = ctx.sc.parallelize([1, 2], 2).map((x) => { calls++; return x; });
    await rdd.count();
    await rdd.count();
    expect(calls).toBe(4);
  });

  it('a fully cached RDD cuts the walk: upstream shuffles are not needed again', async () => {
    let calls = 0;
    const red = ctx.sc.parallelize<[number, number]>([[1, 1], [1, 2]], 2).map((kv) => { calls++; return kv; }).reduceByKey((a, b) => a + b);
    const cached = red.mapValues((v) => v * 10).persist(StorageLevel.MEMORY_AND_DISK);
    expect(await cached.collect()).toEqual([[1, 30]]);
    expect(await cached.collect()).toEqual([[1, 30]]);
    expect(calls).toBe(2);
  });

  it('refuses to change the level once set, as Spark does', () => {
    const rdd = ctx.sc.parallelize([1]).persist(StorageLevel.MEMORY_ONLY);
    expect(rdd.persist(StorageLevel.MEMORY_ONLY)).toBe(rdd);
    expect(() => rdd.persist(StorageLevel.DISK_ONLY)).toThrow(/Cannot change the storage level/);
  });

  it('drops the blocks of a persisted RDD once nothing references it (as Spark\'s ContextCleaner)', async () => {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    let id = -1;
    await (async () => {
      const rdd = ctx.sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 2).map((x) => x + 1).cache();
      id = rdd.id;
      await rdd.count();
    })();
    expect(ctx.sc.blockManager.count(id)).toBe(2);
    for (let i = 0; i < 50 && ctx.sc.blockManager.count(id) > 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(ctx.sc.blockManager.count(id)).toBe(0);
    expect(ctx.sc.getPersistentRDDs().has(id)).toBe(false);
  });

  it('StorageLevel descriptions', () => {
    expect(StorageLevel.MEMORY_ONLY.description()).toBe('Memory Deserialized 1x Replicated');
    expect(StorageLevel.MEMORY_AND_DISK_SER_2.description()).toBe('Disk Memory Serialized 2x Replicated');
    expect(StorageLevel.NONE.isValid).toBe(false);
  });
});
