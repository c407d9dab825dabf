import { describe, expect, it } from 'vitest';
import { sliceCollection } from './parallel-collection-rdd.ts';

describe('sliceCollection (Spark slicing)', () => {
  it('slice i holds xs[floor(i*n/k) .. floor((i+1)*n/k))', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const s = sliceCollection(xs, 3);
    expect(s.map((p) => p.length)).toEqual([33, 33, 34]);
    expect(s[0]![0]).toBe(1);
    expect(s[1]![0]).toBe(34);
    expect(s[2]![33]).toBe(100);
  });
  it('gives empty slices when there are more slices than elements', () => {
    expect(sliceCollection([1, 2], 4)).toEqual([[], [1], [], [2]]);
  });
  it('rejects a non-positive slice count', () => {
    expect(() => sliceCollection([1], 0)).toThrow(/Positive number of partitions required/);
  });
});
