import { describe, expect, it } from 'vitest';
import { hashCodeOrder } from './hash-code-order.ts';
import { murmur3HashInt, murmur3HashIntInverse } from './hash-code.ts';

// A small PRNG, so that a failure names a case that can be run again.
let seed = 987654321;
const next = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) | 0;
  return seed;
};

describe('hashCodeOrder', () => {
  it('sorts signed hash codes ascending, equal ones in index order, as a stable comparison sort does', () => {
    for (let c = 0; c < 40; c++) {
      // Below 64 entries (the insertion sort) and above (the radix passes); every fourth case
      // draws from a few values only, so that most hashes have equals.
      const n = c < 12 ? c * 6 : 64 + ((next() >>> 0) % 4000);
      const few = c % 4 === 0 ? 1 + ((next() >>> 0) % 9) : 0;
      const hashes = Int32Array.from({ length: n }, () => (few === 0 ? next() : ((next() >>> 0) % few) * 0x3ffffff - 0x7ffffff));
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => hashes[a]! - hashes[b]!);
      expect([...hashCodeOrder(hashes, n)], `case ${c}: ${n} hashes, ${few} values`).toEqual(expected);
    }
  });

  it('puts negative hash codes before positive ones, and the extremes at the ends', () => {
    const hashes = Int32Array.from([5, -1, 0x7fffffff, -0x80000000, 0, -7, 5]);
    for (const n of [hashes.length, 100]) {
      const padded = new Int32Array(n);
      padded.set(hashes);
      for (let i = hashes.length; i < n; i++) padded[i] = 3; // past the insertion sort's size
      const order = [...hashCodeOrder(padded, n)].filter((i) => i < hashes.length);
      expect(order).toEqual([3, 5, 1, 4, 0, 6, 2]);
    }
  });
});

describe('murmur3HashIntInverse', () => {
  it('gives back the hash code a spread was made from', () => {
    for (const h of [0, 1, -1, 0x7fffffff, -0x80000000, 1231, 1237]) expect(murmur3HashIntInverse(murmur3HashInt(h))).toBe(h);
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) {
      const h = next();
      if (murmur3HashIntInverse(murmur3HashInt(h)) !== h) wrong++;
    }
    expect(wrong).toBe(0);
  });
});
