import { describe, expect, it } from 'vitest';
import { compiledCombine } from './compiled-combine.ts';
import type { RecordOp } from './record-pipeline.ts';

const rethrow = (_op: number, e: unknown): never => { throw e; };

/** What a fresh combine of `+` gives, worked out here: keys in first-seen order with their sums. */
function sums(records: readonly (readonly [unknown, number])[]): [unknown[], number[]] {
  const m = new Map<unknown, number>();
  for (const [k, v] of records) m.set(k, (m.get(k) ?? 0) + v);
  return [[...m.keys()], [...m.values()]];
}

/** An aggregator of sums that counts its calls. */
function countingSum(): { agg: { createCombiner: (v: number) => number; mergeValue: (c: number, v: number) => number; mergeCombiners: (a: number, b: number) => number }; calls: { create: number; merge: number } } {
  const calls = { create: 0, merge: 0 };
  return {
    calls,
    agg: {
      createCombiner: (v) => { calls.create++; return v; },
      mergeValue: (c, v) => { calls.merge++; return c + v; },
      mergeCombiners: (a, b) => a + b,
    },
  };
}

describe("a compiled combine's key index, kept from one call to the next", () => {
  it('gives every call the output and the user-function calls of a fresh map, as the keys change between calls', () => {
    const { agg, calls } = countingSum();
    // Its own functions: a loop (and index) no other test shares.
    const combine = compiledCombine([{ kind: 'map', f: (r: [string, number]) => [r[0], r[1]] }] as RecordOp[], agg as never);
    const batches = [0, 1, 2, 3, 4, 5].map((b) => Array.from({ length: 500 }, (_, i) => [`k${(i * 7 + b * 131) % (80 + b * 40)}`, (i % 5) - 2] as [string, number]));
    for (const batch of batches) {
      calls.create = 0;
      calls.merge = 0;
      const out = combine([batch], rethrow);
      const [keys, values] = sums(batch);
      expect(out.keys).toEqual(keys);
      expect(out.values).toEqual(values);
      expect(calls.create).toBe(keys.length);
      expect(calls.merge).toBe(batch.length - keys.length);
    }
  });

  it('keys 0 and -0 as one key (0), NaN as one key, and puts keys hashed by value last', () => {
    const { agg } = countingSum();
    const combine = compiledCombine([], agg as never);
    for (let round = 0; round < 3; round++) {
      const out = combine([[[-0, 1], [NaN, 2], [['t', 1], 3], [0, 4], [NaN, 5], ['x', 6], [['t', 1], 7]]], rethrow);
      expect(out.keys).toEqual([0, NaN, 'x', ['t', 1]]);
      expect(Object.is(out.keys[0], 0)).toBe(true);
      expect(out.values).toEqual([5, 7, 6, 10]);
    }
  });

  it('starts clean after a call whose user function threw', () => {
    const { agg } = countingSum();
    const combine = compiledCombine([{ kind: 'map', f: (r: [string, number]) => { if (r[1] < 0) throw new Error('bad record'); return r; } }] as RecordOp[], agg as never);
    expect(() => combine([[['a', 1], ['b', 2], ['a', 3], ['c', -1]]], rethrow)).toThrow('bad record');
    const out = combine([[['b', 10], ['c', 20], ['a', 30], ['b', 1]]], rethrow);
    expect(out.keys).toEqual(['b', 'c', 'a']);
    expect(out.values).toEqual([11, 20, 30]);
  });

  it('stays right across its rebuilds (a call of more than 65,536 keys, then small calls)', () => {
    const { agg } = countingSum();
    const combine = compiledCombine([], agg as never);
    const big = Array.from({ length: 70_000 }, (_, i) => [i % 2 === 0 ? i : `s${i}`, 1] as [unknown, number]);
    const small = [['s1', 2], [4, 3], ['new', 4], ['s1', 5]] as [unknown, number][];
    for (const batch of [big, small, big, small]) {
      const out = combine([batch], rethrow);
      const [keys, values] = sums(batch);
      expect(out.keys).toEqual(keys);
      expect(out.values).toEqual(values);
    }
  });

  it('gives a combine started by a user function inside its own run a map of its own', () => {
    const { agg } = countingSum();
    let inner: unknown;
    const ops = [{ kind: 'map', f: (r: [string, number]) => {
      if (r[0] === 'nested') inner = combine([[['a', 100], ['z', 1]]], rethrow);
      return r;
    } }] as RecordOp[];
    const combine = compiledCombine(ops, agg as never);
    const out = combine([[['a', 1], ['nested', 2], ['a', 3], ['b', 4]]], rethrow);
    expect(out.keys).toEqual(['a', 'nested', 'b']);
    expect(out.values).toEqual([4, 2, 4]);
    expect((inner as { keys: unknown[] }).keys).toEqual(['a', 'z']);
    expect((inner as { values: unknown[] }).values).toEqual([100, 1]);
  });
});
