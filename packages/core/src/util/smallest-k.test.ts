import { describe, expect, it } from 'vitest';
import { naturalOrdering, reverseOrdering, sortedCopy } from './ordering.ts';
import { smallestK } from './smallest-k.ts';
import { XorShiftRandom } from './xor-shift-random.ts';

describe('smallestK', () => {
  it('picks the k smallest, smallest first', () => {
    expect(smallestK([5, 1, 4, 2, 3, 9, 0], 3, naturalOrdering)).toEqual([0, 1, 2]);
    expect(smallestK([5, 1, 4, 2, 3, 9, 0], 3, reverseOrdering(naturalOrdering))).toEqual([9, 5, 4]);
    expect(smallestK([2, 1], 5, naturalOrdering)).toEqual([1, 2]);
    expect(smallestK([2, 1], 0, naturalOrdering)).toEqual([]);
  });

  it('keeps tied elements in their input order, as a stable sort', () => {
    // Ranked by count only: the three words counted 3 come in input order, and only the
    // first two of them fit in k = 3 after 'b' (count 5).
    const byCountDesc = (a: [string, number], b: [string, number]) => b[1] - a[1];
    const xs: [string, number][] = [['x', 3], ['b', 5], ['y', 3], ['c', 1], ['z', 3]];
    expect(smallestK(xs, 3, byCountDesc)).toEqual([['b', 5], ['x', 3], ['y', 3]]);
  });

  it('places undefined where the ordering puts it (first with the natural one)', () => {
    expect(smallestK([3, undefined, 1, undefined, 2], 3, naturalOrdering)).toEqual([undefined, undefined, 1]);
    expect(smallestK([3, undefined, 1, 2], 2, reverseOrdering(naturalOrdering))).toEqual([3, 2]);
    expect(smallestK([undefined, undefined, undefined], 2, naturalOrdering)).toEqual([undefined, undefined]);
  });

  it('equals the sorted prefix on random inputs with many ties', () => {
    const rnd = new XorShiftRandom(7);
    const byFirst = (a: [number, number], b: [number, number]) => a[0] - b[0];
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rnd.nextDouble() * 60);
      const xs: [number, number][] = [];
      for (let i = 0; i < n; i++) xs.push([Math.floor(rnd.nextDouble() * 8), i]);
      const k = Math.floor(rnd.nextDouble() * 70);
      expect(smallestK(xs, k, byFirst)).toEqual(sortedCopy(xs, byFirst).slice(0, k));
      expect(smallestK(xs, k, reverseOrdering(byFirst))).toEqual(sortedCopy(xs, reverseOrdering(byFirst)).slice(0, k));
    }
  });
});
