import { describe, expect, it } from 'vitest';
import { appendOnlyMapOrder } from '../util/append-only-map-order.ts';
import { combineCombinerColumns, combineCombinersByKey, combineValueColumns } from './combine.ts';
import { PairColumns, columnsOf, inAppendOnlyMapOrder, recordsOf } from './pair-columns.ts';

const add = (a: number, b: number): number => a + b;
const sumAgg = { createCombiner: (v: number) => v, mergeValue: add, mergeCombiners: add };

/** 300 keys of every kind the engine hashes: strings, ints, doubles, tuples, and null. */
function mixedKeys(): unknown[] {
  const keys: unknown[] = [null];
  for (let i = 0; i < 100; i++) keys.push(`w${i}`, i * 3, [`t${i % 7}`, i]);
  keys.push(0.5, -2.25);
  return keys;
}

/** The pairs of `blocks` summed by key, in first-seen order with value-equal tuples as one key (computed here). */
function sums(blocks: readonly (readonly (readonly [unknown, number])[])[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of blocks) for (const [k, v] of b) m.set(JSON.stringify(k), (m.get(JSON.stringify(k)) ?? 0) + v);
  return m;
}

describe('PairColumns', () => {
  it('builds its pairs once, and columns of pairs give those same pairs back', () => {
    const cols = new PairColumns(['a', 'b'], [1, 2]);
    const pairs = cols.pairs();
    expect(pairs).toEqual([['a', 1], ['b', 2]]);
    expect(cols.pairs()).toBe(pairs);
    const given: [string, number][] = [['x', 3], ['y', 4]];
    const of = PairColumns.of(given);
    expect(of.keys).toEqual(['x', 'y']);
    expect(of.values).toEqual([3, 4]);
    expect(of.pairs()).toBe(given);
    expect(recordsOf(given)).toBe(given);
    expect(recordsOf(cols)).toBe(pairs);
    expect(columnsOf(cols)).toBe(cols);
  });

  it('orders columns as appendOnlyMapOrder orders the same pairs (past several table growths)', () => {
    const keys = mixedKeys();
    const pairs = keys.map((k, i) => [k, i] as [unknown, number]);
    const expected = appendOnlyMapOrder(pairs, (p) => p[0]);
    const ordered = inAppendOnlyMapOrder(new PairColumns(keys.slice(), pairs.map((p) => p[1])));
    expect(ordered.pairs()).toEqual(expected);
    const one = new PairColumns(['only'], [1]);
    expect(inAppendOnlyMapOrder(one)).toBe(one);
  });
});

describe('combining into columns', () => {
  const keys = mixedKeys();
  const blocks = [0, 1, 2].map((b) => keys.map((k, i) => [Array.isArray(k) ? [...k] : k, i + b * 1000] as [unknown, number]));

  it('gives one sum per key from blocks of pairs, of columns, or both, in the same order', () => {
    const expected = sums(blocks);
    const fromPairs = combineValueColumns(blocks, sumAgg);
    const fromMixed = combineValueColumns([PairColumns.of(blocks[0]!), blocks[1]!, PairColumns.of(blocks[2]!)], sumAgg);
    for (const got of [fromPairs, fromMixed]) {
      expect(got.length).toBe(expected.size);
      expect(new Map(got.pairs().map(([k, v]) => [JSON.stringify(k), v]))).toEqual(expected);
    }
    expect(fromMixed.pairs()).toEqual(fromPairs.pairs());
    // Primitive keys in first-seen order, then the tuples.
    const firstTuple = fromPairs.keys.findIndex((k) => Array.isArray(k));
    expect(fromPairs.keys.slice(firstTuple).every((k) => Array.isArray(k))).toBe(true);
    expect(fromPairs.keys.slice(0, firstTuple)).toEqual(keys.filter((k) => !Array.isArray(k)));
  });

  it('merges combiners from columns as combineCombinersByKey merges them from pairs', () => {
    const expected = combineCombinersByKey(blocks, add);
    const got = combineCombinerColumns([PairColumns.of(blocks[0]!), blocks[1]!, PairColumns.of(blocks[2]!)], (a, b) => (a as number) + (b as number));
    expect(got.pairs()).toEqual(expected);
    expect(new Map(expected.map(([k, v]) => [JSON.stringify(k), v]))).toEqual(sums(blocks));
  });
});
