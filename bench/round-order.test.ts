import { describe, expect, it } from 'vitest';
import { roundCycle, roundOrder } from './src/harness/round-order.ts';

/** How often each ordered pair (a then b, adjacent within a round) occurs over `rounds` rounds of `n` systems. */
function adjacency(n: number, rounds: number): number[][] {
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < rounds; r++) {
    const order = roundOrder(n, r);
    for (let j = 1; j < n; j++) counts[order[j - 1]!]![order[j]!]!++;
  }
  return counts;
}

describe('the order of the systems in each interleaved round', () => {
  it('is a permutation of the systems in every round', () => {
    for (let n = 1; n <= 8; n++) {
      for (let r = 0; r < 3 * roundCycle(n); r++) expect([...roundOrder(n, r)].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
    expect(roundOrder(0, 3)).toEqual([]);
  });

  it('over a cycle, every system follows every other one equally often, and none follows itself', () => {
    for (let n = 2; n <= 8; n++) {
      const cycle = roundCycle(n);
      // n - 1 adjacent pairs a round, n (n - 1) ordered pairs: each occurs cycle / n times.
      const each = cycle / n;
      const counts = adjacency(n, cycle);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) expect(counts[a]![b], `n=${n}: ${a} then ${b}`).toBe(a === b ? 0 : each);
      }
    }
  });

  it('over a cycle, every system runs first equally often', () => {
    for (let n = 1; n <= 8; n++) {
      const firsts = new Array<number>(n).fill(0);
      for (let r = 0; r < roundCycle(n); r++) firsts[roundOrder(n, r)[0]!]!++;
      expect(new Set(firsts).size, `n=${n}: ${firsts.join(',')}`).toBe(1);
    }
  });

  it('two systems alternate which goes first; three never keep one order (the rounds of a plain rotation would)', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(2, r))).toEqual([[0, 1], [1, 0], [0, 1], [1, 0]]);
    // A rotation (012, 120, 201) puts 1 right after 0 in two rounds of three and 0 after 1 in none.
    const counts = adjacency(3, 6);
    expect(counts[0]![1]).toBe(counts[1]![0]);
  });
});
