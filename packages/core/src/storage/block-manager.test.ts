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
});
