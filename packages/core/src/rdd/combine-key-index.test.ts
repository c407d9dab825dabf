import { describe, expect, it } from 'vitest';
import { combineCombinerColumns } from './combine.ts';
import { CombineKeyIndex } from './combine-key-index.ts';
import { PairColumns } from './pair-columns.ts';

/** A fresh merge of `+`, worked out here: keys in first-seen order with their sums. */
function sums(pairs: readonly (readonly [unknown, number])[]): [unknown[], number[]] {
  const m = new Map<unknown, number>();
  for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
  return [[...m.keys()], [...m.values()]];
}

describe("the reduce side's merge through the key index of its mergeCombiners", () => {
  it('gives every call a fresh merge, as the keys change between calls, over pairs and columns', () => {
    let merges = 0;
    const plus = (a: unknown, b: unknown): unknown => { merges++; return (a as number) + (b as number); };
    for (let b = 0; b < 6; b++) {
      const first = Array.from({ length: 300 }, (_, i) => [`k${(i * 7 + b * 131) % (60 + b * 30)}`, i % 4] as [string, number]);
      const second = Array.from({ length: 200 }, (_, i) => [`k${(i * 11 + b) % (90 + b * 20)}`, 1] as [string, number]);
      merges = 0;
      const out = combineCombinerColumns([first, new PairColumns(second.map((p) => p[0]), second.map((p) => p[1]))], plus);
      const [keys, values] = sums([...first, ...second]);
      expect(out.keys).toEqual(keys);
      expect(out.values).toEqual(values);
      expect(merges).toBe(first.length + second.length - keys.length);
    }
  });

  it('puts keys hashed by value after the primitive ones, 0 and -0 as one key', () => {
    const plus = (a: unknown, b: unknown): unknown => (a as number) + (b as number);
    for (let round = 0; round < 2; round++) {
      const out = combineCombinerColumns([[[['t'], 1], [-0, 2], ['x', 3], [0, 4], [['t'], 5]]], plus);
      expect(out.keys).toEqual([0, 'x', ['t']]);
      expect(out.values).toEqual([6, 3, 6]);
    }
  });

  it('starts clean after a call whose mergeCombiners threw', () => {
    const merge = (a: unknown, b: unknown): unknown => {
      if (b === -1) throw new Error('bad combiner');
      return (a as number) + (b as number);
    };
    expect(() => combineCombinerColumns([[['a', 1], ['b', 2], ['a', -1]]], merge)).toThrow('bad combiner');
    const out = combineCombinerColumns([[['b', 10], ['a', 5], ['b', 1]]], merge);
    expect(out.keys).toEqual(['b', 'a']);
    expect(out.values).toEqual([11, 5]);
  });

  it('gives a merge started inside its own mergeCombiners a map of its own', () => {
    let inner: PairColumns | undefined;
    let nested = false;
    const merge = (a: unknown, b: unknown): unknown => {
      if (!nested) {
        nested = true;
        inner = combineCombinerColumns([[['q', 1], ['a', 2], ['q', 3]]], merge);
      }
      return (a as number) + (b as number);
    };
    const out = combineCombinerColumns([[['a', 1], ['b', 2], ['a', 3]]], merge);
    expect(out.keys).toEqual(['a', 'b']);
    expect(out.values).toEqual([4, 2]);
    expect(inner!.keys).toEqual(['q', 'a']);
    expect(inner!.values).toEqual([4, 2]);
  });

  it("hands out each output key's slot, until a rebuild makes them stale", () => {
    const index = new CombineKeyIndex();
    const plus = (a: unknown, b: unknown): unknown => (a as number) + (b as number);
    const call = (keys: readonly string[]): ReturnType<CombineKeyIndex['end']> => {
      const c = index.begin()!;
      for (const k of keys) c.add(k, 1, plus);
      return c.end();
    };
    const first = call(['a', 'b', 'a', 'c']);
    const second = call(['c', 'd', 'a']);
    // Each output key's slot holds that key, and a key keeps its slot from call to call.
    for (const out of [first, second]) {
      expect(out.slots!.index).toBe(index);
      expect(out.slots!.slots.map((s) => index.keys[s])).toEqual(out.keys);
    }
    expect(second.slots!.slots[0]).toBe(first.slots!.slots[2]);
    expect(second.slots!.generation).toBe(first.slots!.generation);
    // A call of 1 key after a vocabulary past 4 x 1 + 4,096 keys rebuilds the index at its end:
    // its slots would name the old index's, so none are handed out, and the older ones are stale.
    call(Array.from({ length: 5_000 }, (_, i) => `w${i}`));
    const small = call(['a']);
    expect(small.keys).toEqual(['a']);
    expect(small.slots).toBeUndefined();
    expect(index.generation).not.toBe(first.slots!.generation);
  });
});
