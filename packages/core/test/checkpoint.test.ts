import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReliableCheckpointRDD, HashPartitioner } from '../src/index.ts';
import { useSparkContext, useTempDir, lineage, countShuffles } from './helpers.ts';

describe('checkpoint', () => {
  const ctx = useSparkContext();
  const tmp = useTempDir();

  it('needs a checkpoint directory', () => {
    expect(() => ctx.sc.parallelize([1]).checkpoint()).toThrow(/setCheckpointDir/);
  });

  it('writes the partitions after the next action and cuts the lineage', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    const base = ctx.sc.parallelize([1, 2, 3, 4, 5], 2);
    const rdd = base.map((x) => x * 2).filter((x) => x > 2);
    rdd.checkpoint();
    expect(rdd.isCheckpointed).toBe(false);
    expect(rdd.getCheckpointFile()).toBeUndefined();
    expect(lineage(rdd)).toContain(base);
    expect(await rdd.collect()).toEqual([4, 6, 8, 10]);
    expect(rdd.isCheckpointed).toBe(true);
    const file = rdd.getCheckpointFile()!;
    expect(file).toBe(join(ctx.sc.getCheckpointDir()!, `rdd-${rdd.id}`));
    expect(file.startsWith(tmp.dir)).toBe(true);
    expect(readdirSync(file).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001']);
    // lineage now ends at the checkpoint files: the ancestors are unreachable
    const deps = rdd.dependencies;
    expect(deps).toHaveLength(1);
    expect(deps[0]!.rdd).toBeInstanceOf(ReliableCheckpointRDD);
    expect(lineage(rdd)).not.toContain(base);
    expect(lineage(rdd)).toHaveLength(2);
    // and data is read back from the files
    expect(await rdd.collect()).toEqual([4, 6, 8, 10]);
    expect(await rdd.map((x) => x + 1).collect()).toEqual([5, 7, 9, 11]);
    expect(rdd.toDebugString().split('\n')).toHaveLength(2);
  });

  it('keeps the partitioner across a checkpoint (no new shuffle downstream)', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    const r = ctx.sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['a', 3]], 2).reduceByKey((a, b) => a + b, new HashPartitioner(2));
    r.checkpoint();
    await r.count();
    expect(r.isCheckpointed).toBe(true);
    expect(countShuffles(r)).toBe(0);
    expect(r.partitioner?.equals(new HashPartitioner(2))).toBe(true);
    const again = r.reduceByKey((a, b) => a + b);
    expect(countShuffles(again)).toBe(0);
    expect(new Map(await again.collect())).toEqual(new Map([['a', 4], ['b', 2]]));
  });

  it('computes the RDD once when the action already computes it', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    let calls = 0;
    const rdd = ctx.sc.parallelize([1, 2, 3], 3).map((x) => { calls++; return x; });
    rdd.checkpoint();
    await rdd.collect();
    expect(calls).toBe(3);
    // an action that needs only some partitions: the rest are computed for the checkpoint
    const rdd2 = ctx.sc.parallelize([1, 2, 3], 3).map((x) => x * 3);
    rdd2.checkpoint();
    expect(await rdd2.take(1)).toEqual([3]);
    expect(rdd2.isCheckpointed).toBe(true);
    expect(await rdd2.collect()).toEqual([3, 6, 9]);
  });

  it('checkpointing a child of a shuffle frees the shuffle dependency', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    const r = ctx.sc.parallelize<[number, number]>([[1, 1], [2, 2]], 2).groupByKey().mapValues((vs) => vs.length);
    r.checkpoint();
    await r.collect();
    expect(countShuffles(r)).toBe(0);
    expect(existsSync(r.getCheckpointFile()!)).toBe(true);
  });

  it('checkpoints an RDD computed inside a shuffle map stage, once', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    let calls = 0;
    const marked = ctx.sc.parallelize([1, 2, 3, 4], 2).map((x) => { calls++; return [x % 2, x] as [number, number]; });
    marked.checkpoint();
    const sums = marked.map((kv) => kv).reduceByKey((a, b) => a + b);
    expect(new Map(await sums.collect())).toEqual(new Map([[0, 6], [1, 4]]));
    expect(marked.isCheckpointed).toBe(true);
    expect(calls).toBe(4);
    expect(await marked.collect()).toEqual([[1, 1], [0, 2], [1, 3], [0, 4]]);
    expect(calls).toBe(4);
  });

  it('a cached RDD in the middle of a chain is neither recomputed nor fused through', async () => {
    let calls = 0;
    const cached = ctx.sc.parallelize([1, 2, 3], 1).map((x) => { calls++; return x; }).cache();
    const out = cached.map((x) => x * 2).filter((x) => x > 2);
    expect(await out.collect()).toEqual([4, 6]);
    expect(await out.map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b).count()).toBe(2);
    expect(calls).toBe(3);
  });
});
