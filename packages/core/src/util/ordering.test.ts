import { describe, expect, it } from 'vitest';
import { naturalOrdering, reverseOrdering, sortedCopy } from './ordering.ts';

describe('naturalOrdering', () => {
  it('orders numbers numerically with NaN last', () => {
    expect([10, 2, NaN, -1, 2.5].sort(naturalOrdering)).toEqual([-1, 2, 2.5, 10, NaN]);
  });
  it('orders strings by UTF-16 code units (uppercase before lowercase)', () => {
    expect(['b', 'B', 'a', 'aa', ''].sort(naturalOrdering)).toEqual(['', 'B', 'a', 'aa', 'b']);
  });
  it('orders tuples element-wise, booleans false first, undefined (None) first', () => {
    expect([[2, 'a'], [1, 'b'], [1, 'a']].sort(naturalOrdering)).toEqual([[1, 'a'], [1, 'b'], [2, 'a']]);
    expect([true, false].sort(naturalOrdering)).toEqual([false, true]);
    // (Array.prototype.sort always puts undefined last without asking, so compare directly.)
    expect(naturalOrdering(undefined, 1)).toBeLessThan(0);
    expect(naturalOrdering([1, undefined], [1, 0])).toBeLessThan(0);
  });
  it('reverses', () => {
    expect([1, 3, 2].sort(reverseOrdering(naturalOrdering))).toEqual([3, 2, 1]);
  });
  it('throws a clear error for unorderable objects', () => {
    expect(() => naturalOrdering({ a: 1 }, { a: 2 })).toThrow(/No natural ordering/);
  });
  it('sortedCopy places undefined (None) where the ordering says', () => {
    expect(sortedCopy([3, undefined, 1], naturalOrdering)).toEqual([undefined, 1, 3]);
    expect(sortedCopy([3, undefined, 1], reverseOrdering(naturalOrdering))).toEqual([3, 1, undefined]);
  });
});
