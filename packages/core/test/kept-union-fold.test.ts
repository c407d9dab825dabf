import { describe, expect, it } from 'vitest';
import type { Aggregator } from '../src/rdd/aggregator.ts';
import { PairColumns, type PartitionData } from '../src/rdd/pair-columns.ts';
import { prefixableCombine } from '../src/rdd/prefixable-blocks-kernel.ts';
import { appendOnlyMapOrder } from '../src/util/append-only-map-order.ts';

// A window re-reduced without an inverse function keeps its partition's fold from one slide to
// the next (KeptUnionFold): while the window fills, a slide folds only the batch that entered.
// Every result must be the one-step combine's: the same pairs in Spark's order, each key's
// values folded left in the batches' order (checked with a function that is not commutative),
// worked out here with plain loops.

type Block = [string, string][];

/** Batch b: 12 values over keys that overlap from batch to batch, and a few new ones. */
const batchOf = (b: number): Block => Array.from({ length: 12 }, (_, i) => [`k${(i * 5 + b * 3) % (9 + b)}`, `${b}.${i}`]);

/** The one-step combine of `blocks` by concatenation, in Spark's reduce-side order: plain loops and a Map. */
function expected(blocks: readonly Block[]): [string, string][] {
  const byKey = new Map<string, string>();
  for (const block of blocks) for (const [k, v] of block) byKey.set(k, byKey.has(k) ? `${byKey.get(k)}+${v}` : v);
  return appendOnlyMapOrder([...byKey], (e) => e[0]);
}

/** How many values of `block` a one-step combine merges into an existing combiner, given the keys of the blocks before it. */
function mergesOf(before: readonly Block[], block: Block): number {
  const seen = new Set(before.flat().map(([k]) => k));
  let n = 0;
  for (const [k] of block) {
    if (seen.has(k)) n++;
    else seen.add(k);
  }
  return n;
}

function counting(): { agg: Aggregator<string, string>; calls: { create: number; merge: number } } {
  const calls = { create: 0, merge: 0 };
  // Not commutative: the order of the values is in the result.
  const merge = (c: string, v: string): string => { calls.merge++; return `${c}+${v}`; };
  return { agg: { createCombiner: (v) => { calls.create++; return v; }, mergeValue: merge, mergeCombiners: merge }, calls };
}

const pairsOf = <K, V>(d: PartitionData<[K, V]>): [K, V][] => (d instanceof PairColumns ? (d.pairs() as [K, V][]) : [...d]);

describe('a union combine kept from one slide to the next (KeptUnionFold)', () => {
  it('a window that is filling folds only the batch that entered, and each result is the one-step combine, in order', () => {
    const { agg, calls } = counting();
    const batches = Array.from({ length: 6 }, (_, b) => batchOf(b));
    for (let n = 1; n <= batches.length; n++) {
      // A new RDD (a new kernel) every slide, the same stream's functions.
      const kernel = prefixableCombine<string, string, string>(agg);
      calls.merge = 0;
      calls.create = 0;
      const out = pairsOf(kernel.whole(0, batches.slice(0, n)));
      expect(out).toEqual(expected(batches.slice(0, n)));
      // The user's functions ran on the newest batch's values only.
      expect(calls.merge).toBe(mergesOf(batches.slice(0, n - 1), batches[n - 1]!));
      expect(calls.create + calls.merge).toBe(batches[n - 1]!.length);
    }
  });

  it('the same window computed again (another job of the batch) calls no user function and gives the same pairs', () => {
    const { agg, calls } = counting();
    const blocks = [batchOf(0), batchOf(1), batchOf(2)];
    const first = pairsOf(prefixableCombine<string, string, string>(agg).whole(1, blocks));
    calls.merge = 0;
    calls.create = 0;
    const again = pairsOf(prefixableCombine<string, string, string>(agg).whole(1, blocks));
    expect(calls).toEqual({ create: 0, merge: 0 });
    expect(again).toEqual(first);
    expect(again).toEqual(expected(blocks));
  });

  it('a window that slid, an older window, or blocks equal in content but other arrays are folded afresh, right', () => {
    const { agg, calls } = counting();
    const b = Array.from({ length: 5 }, (_, i) => batchOf(i));
    const k = (): ReturnType<typeof prefixableCombine<string, string, string>> => prefixableCombine<string, string, string>(agg);
    expect(pairsOf(k().whole(0, b.slice(0, 3)))).toEqual(expected(b.slice(0, 3)));
    // Slid: the oldest batch left.
    calls.merge = 0;
    calls.create = 0;
    expect(pairsOf(k().whole(0, b.slice(1, 4)))).toEqual(expected(b.slice(1, 4)));
    expect(calls.create + calls.merge).toBe(3 * 12);
    // An older window than the one kept.
    expect(pairsOf(k().whole(0, b.slice(1, 3)))).toEqual(expected(b.slice(1, 3)));
    // Copies of the blocks: not the ones folded.
    const copies = b.slice(1, 3).map((x) => x.map(([key, v]) => [key, v] as [string, string]));
    calls.merge = 0;
    calls.create = 0;
    expect(pairsOf(k().whole(0, [...copies, b[3]!]))).toEqual(expected(b.slice(1, 4)));
    expect(calls.create + calls.merge).toBe(3 * 12);
  });

  it('combiners that are objects are not kept: a later slide that updates them in place leaves an earlier result as it was', () => {
    const agg: Aggregator<string, string[]> = {
      createCombiner: (v) => [v],
      mergeValue: (c, v) => { c.push(v); return c; },
      mergeCombiners: (a, b2) => { a.push(...b2); return a; },
    };
    const b = [batchOf(0), batchOf(1), batchOf(2)];
    const listsOf = (blocks: Block[]): [string, string[]][] => expected(blocks).map(([k, v]) => [k, v.split('+')]);
    const first = pairsOf(prefixableCombine<string, string, string[]>(agg).whole(0, b.slice(0, 2)));
    const copy = JSON.parse(JSON.stringify(first)) as [string, string[]][];
    expect(copy).toEqual(listsOf(b.slice(0, 2)));
    const second = pairsOf(prefixableCombine<string, string, string[]>(agg).whole(0, b));
    expect(second).toEqual(listsOf(b));
    expect(first).toEqual(copy);
  });

  it('a failing reduce function gives the fold up: the next slide folds every batch again, right', () => {
    let failOn = '2.3';
    const calls = { n: 0 };
    const merge = (c: string, v: string): string => {
      calls.n++;
      if (v === failOn) throw new Error('bad value');
      return `${c}+${v}`;
    };
    const create = (v: string): string => {
      calls.n++;
      if (v === failOn) throw new Error('bad value');
      return v;
    };
    const agg: Aggregator<string, string> = { createCombiner: create, mergeValue: merge, mergeCombiners: merge };
    const b = [batchOf(0), batchOf(1), batchOf(2)];
    expect(pairsOf(prefixableCombine<string, string, string>(agg).whole(0, b.slice(0, 2)))).toEqual(expected(b.slice(0, 2)));
    expect(() => prefixableCombine<string, string, string>(agg).whole(0, b)).toThrow('bad value');
    failOn = '';
    calls.n = 0;
    expect(pairsOf(prefixableCombine<string, string, string>(agg).whole(0, b))).toEqual(expected(b));
    expect(calls.n).toBe(3 * 12);
  });
});
