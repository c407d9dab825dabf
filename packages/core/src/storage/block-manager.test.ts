import { describe, expect, it } from 'vitest';
import { BlockManager } from './block-manager.ts';

describe('BlockManager', () => {
  it('stores partitions per RDD and knows when all are there', () => {
    const bm = new BlockManager();
    expect(bm.hasAll(1, 0)).toBe(true);
    expect(bm.hasAll(1, 2)).toBe(false);
    bm.put(1, 1, ['b']);
    expect(bm.hasAll(1, 2)).toBe(false);
    expect(bm.count(1)).toBe(1);
    bm.put(1, 0, ['a']);
    expect(bm.hasAll(1, 2)).toBe(true);
    expect(bm.get(1, 0)).toEqual(['a']);
    expect(bm.get(2, 0)).toBeUndefined();
    bm.removeRdd(1);
    expect(bm.count(1)).toBe(0);
    bm.put(3, 0, []);
    bm.clear();
    expect(bm.get(3, 0)).toBeUndefined();
  });

  it('in a worker thread of local[N], holds all of an RDD once the partitions it owns are stored', () => {
    const bm = new BlockManager();
    bm.storesOwnedPartitions(2, 1);
    // worker 1 of 2 owns partitions 1, 3, 5
    expect(bm.hasAll(1, 0)).toBe(true);
    expect(bm.hasAll(1, 6)).toBe(false);
    bm.put(1, 1, ['b']);
    bm.put(1, 3, ['d']);
    expect(bm.hasAll(1, 6)).toBe(false);
    bm.put(1, 5, ['f']);
    expect(bm.hasAll(1, 6)).toBe(true);
    // partitions 0, 2, 4 are its peer's: none stored here
    expect(bm.get(1, 0)).toBeUndefined();
    // an RDD of one partition is worker 0's: worker 1 owns none of it, and holds none
    bm.put(2, 0, ['a']);
    expect(bm.hasAll(2, 1)).toBe(false);
    // the same blocks on one thread: every partition is this store's
    const one = new BlockManager();
    for (const p of [1, 3, 5]) one.put(1, p, ['x']);
    expect(one.hasAll(1, 6)).toBe(false);
  });

  it('refuses a worker that is not one of the threads', () => {
    const bm = new BlockManager();
    expect(() => bm.storesOwnedPartitions(2, 2)).toThrow(RangeError);
    expect(() => bm.storesOwnedPartitions(0, 0)).toThrow(RangeError);
    expect(() => bm.storesOwnedPartitions(2, -1)).toThrow(RangeError);
  });

  it('on the driver of local[N], counts partitions the workers stored until the RDD is removed', () => {
    const bm = new BlockManager();
    bm.putElsewhere(4, 0);
    expect(bm.hasAll(4, 2)).toBe(false);
    bm.putElsewhere(4, 1);
    expect(bm.hasAll(4, 2)).toBe(true);
    // Nothing is held here: a stored-elsewhere partition has no data in this thread.
    expect(bm.get(4, 0)).toBeUndefined();
    expect(bm.count(4)).toBe(0);
    // Mixed: one partition here, one in a worker.
    bm.put(5, 0, ['a']);
    bm.putElsewhere(5, 1);
    expect(bm.hasAll(5, 2)).toBe(true);
    const before = bm.removals;
    bm.removeRdd(4);
    expect(bm.hasAll(4, 2)).toBe(false);
    expect(bm.removals).toBe(before + 1);
    bm.clear();
    expect(bm.hasAll(5, 2)).toBe(false);
  });
});

