// rdd.localCheckpoint(), with LocalCheckpointSuite's cases: the storage level it sets, lineage
// truncation (direct, indirect, with caching before and after), and the informative failure
// when a checkpointed block is gone.
import { describe, expect, it } from 'vitest';
import { StorageLevel, type RDD } from '../src/index.ts';
import { lineage, useSparkContext, useTempDir } from './helpers.ts';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe.each(['local[1]', 'local[2]'])('localCheckpoint under %s (LocalCheckpointSuite)', (master) => {
  const ctx = useSparkContext(master);
  const tmp = useTempDir();
  const newRdd = (): RDD<number> => ctx.sc.parallelize(range(100), 4).map((x) => x + 1).filter((x) => x % 2 === 0);

  it('transform storage level: MEMORY_AND_DISK, or the level set with disk use added', () => {
    const a = newRdd().localCheckpoint();
    expect(a.getStorageLevel()).toBe(StorageLevel.MEMORY_AND_DISK);
    const b = newRdd().persist(StorageLevel.MEMORY_ONLY).localCheckpoint();
    expect(b.getStorageLevel()).toBe(StorageLevel.MEMORY_AND_DISK);
    expect(newRdd().persist(StorageLevel.MEMORY_ONLY_SER).localCheckpoint().getStorageLevel()).toBe(StorageLevel.MEMORY_AND_DISK_SER);
    expect(newRdd().persist(StorageLevel.DISK_ONLY).localCheckpoint().getStorageLevel()).toBe(StorageLevel.DISK_ONLY);
    // Spark: caching after checkpointing keeps the disk.
    expect(newRdd().localCheckpoint().persist(StorageLevel.MEMORY_ONLY).getStorageLevel()).toBe(StorageLevel.MEMORY_AND_DISK);
    expect(b.isLocallyCheckpointed).toBe(true);
    expect(newRdd().isLocallyCheckpointed).toBe(false);
  });

  it('basic lineage truncation', async () => {
    const rdd = newRdd();
    const expected = await rdd.collect();
    const before = lineage(rdd as RDD<unknown>).length;
    expect(before).toBe(3);
    rdd.localCheckpoint();
    expect(rdd.isCheckpointed).toBe(false);
    expect(rdd.isLocallyCheckpointed).toBe(true);
    expect(await rdd.collect()).toEqual(expected);
    expect(rdd.isCheckpointed).toBe(true);
    expect(rdd.getCheckpointFile()).toBeUndefined();
    // The RDD and its local checkpoint: the parallelize and the map are gone.
    expect(lineage(rdd as RDD<unknown>).map((r) => r.scope)).toEqual(['filter', 'localCheckpoint']);
    expect(await rdd.collect()).toEqual(expected);
  });

  it('caching before and after checkpointing', async () => {
    const before = newRdd().persist(StorageLevel.MEMORY_ONLY);
    const expected = await newRdd().collect();
    before.localCheckpoint();
    expect(await before.collect()).toEqual(expected);
    expect(before.isCheckpointed).toBe(true);
    const after = newRdd().localCheckpoint();
    after.persist(StorageLevel.MEMORY_ONLY);
    expect(await after.collect()).toEqual(expected);
    expect(after.isCheckpointed).toBe(true);
  });

  it('indirect lineage truncation: an action on a child checkpoints the marked parent', async () => {
    const parent = newRdd().localCheckpoint();
    const child = parent.map((x) => x * 10);
    const expected = (await newRdd().collect()).map((x) => x * 10);
    expect(await child.collect()).toEqual(expected);
    expect(parent.isCheckpointed).toBe(true);
    expect(lineage(child as RDD<unknown>).map((r) => r.scope)).toEqual(['map', 'filter', 'localCheckpoint']);
    expect(await child.collect()).toEqual(expected);
  });

  it('computes each partition once for the checkpoint, even when the first job saw only some', async () => {
    let computed = 0;
    const rdd = ctx.sc.parallelize(range(40), 4).map((x) => { computed++; return x; }).localCheckpoint();
    expect(await rdd.take(1)).toEqual([1]);
    expect(rdd.isCheckpointed).toBe(true);
    expect(computed).toBe(40);
    expect(await rdd.count()).toBe(40);
    expect(computed).toBe(40);
  });

  it('missing checkpoint block fails with informative message', async () => {
    const rdd = newRdd().localCheckpoint();
    await rdd.collect();
    rdd.unpersist();
    const e = await rdd.collect().then(() => undefined, (err: unknown) => err as Error);
    const text = `${e?.message} ${String((e?.cause as Error | undefined)?.message)}`;
    expect(text).toContain(`Checkpoint block rdd_${rdd.id}_0 not found`);
    expect(text).toContain('rdd.checkpoint()');
    expect(text).toContain('fault-tolerant');
  });

  it('needs no checkpoint directory, and overrides a reliable checkpoint mark', async () => {
    const rdd = newRdd().localCheckpoint();
    expect(ctx.sc.getCheckpointDir()).toBeUndefined();
    expect(await rdd.count()).toBe(50);
    expect(rdd.isCheckpointed).toBe(true);
    ctx.sc.setCheckpointDir(tmp.dir);
    const marked = newRdd();
    marked.checkpoint();
    marked.localCheckpoint();
    expect(marked.isLocallyCheckpointed).toBe(true);
    expect(await marked.count()).toBe(50);
    expect(marked.isCheckpointed).toBe(true);
    expect(marked.getCheckpointFile()).toBeUndefined();
    // Already materialized: marking again changes nothing.
    expect(rdd.localCheckpoint()).toBe(rdd);
    expect(await rdd.count()).toBe(50);
  });
});
