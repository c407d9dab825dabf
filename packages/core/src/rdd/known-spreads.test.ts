import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SparkConf } from '../spark-conf.ts';
import { SparkContext } from '../internal.ts';
import { appendOnlyMapOrder, spreadHash } from '../util/append-only-map-order.ts';
import { hashCode } from '../util/hash-code.ts';
import { CombineKeyIndex } from './combine-key-index.ts';
import { ShuffleDependency } from './dependency.ts';
import { PairColumns, inAppendOnlyMapOrder } from './pair-columns.ts';
import type { PartitionData } from './pair-columns.ts';
import { combineCombinerColumns } from './combine.ts';
import { HashPartitioner } from './partitioner.ts';
import { fusedChain } from './record-pipeline.ts';
import { mapSideOutput } from '../scheduler/shuffle-writer.ts';
import type { Aggregator } from './aggregator.ts';
import type { RDD } from './rdd.ts';

// A reduce side puts its keys in Spark's order by each key's spread hash (its AppendOnlyMap's
// probe start). A key index kept from batch to batch by the combine keeps those per slot, so
// the map output of a lone map partition hands them to the reduce side instead of having every
// key hashed again each batch. The orders must be the ones hashing the keys gives.

const plus = (a: unknown, b: unknown): unknown => (a as number) + (b as number);
const sum: Aggregator<number, number> = { createCombiner: (v) => v, mergeValue: (a, b) => a + b, mergeCombiners: (a, b) => a + b };

/** Sums by key in first-seen order, then in Spark's reduce-side order, worked out here. */
function sparkOrderOfSums(pairs: readonly (readonly [unknown, number])[]): [unknown, number][] {
  const m = new Map<unknown, number>();
  for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
  return appendOnlyMapOrder([...m], (e) => e[0]);
}

/**
 * `reduceByKey(+)` over one map partition as Spark's reduce side gives it, worked out here: the
 * sums in the map output's order (sorted by hash code, a stable sort of the first-seen order),
 * inserted in that order, then its AppendOnlyMap's slot order.
 */
function sparkReduceOrderOfSums(pairs: readonly (readonly [unknown, number])[]): [unknown, number][] {
  const m = new Map<unknown, number>();
  for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
  return appendOnlyMapOrder([...m].sort((a, b) => hashCode(a[0]) - hashCode(b[0])), (e) => e[0]);
}

describe("a key index's spread hashes", () => {
  it("gives each slot's key's spread hash, across calls and rebuilds, and none while it holds null or undefined", () => {
    const index = new CombineKeyIndex();
    const call = (keys: readonly unknown[]): ReturnType<CombineKeyIndex['end']> => {
      const c = index.begin()!;
      for (const k of keys) c.add(k, 1, plus);
      return c.end();
    };
    for (const keys of [['a', 'b', 'a', 7], [7, 'c', 2.5, 'b', true], ['d']]) {
      const out = call(keys);
      const spreads = new Int32Array(out.slots!.slots.length);
      expect(index.spreadsOf(out.slots!.slots, spreads)).toBe(true);
      expect([...spreads]).toEqual(out.keys.map((k) => spreadHash(k)));
    }
    const withNull = call(['a', null, 'e']);
    expect(index.spreadsOf(withNull.slots!.slots, new Int32Array(3))).toBe(false);
    // A rebuild (a vocabulary past 4 x 1 + 4,096 keys, then a call of one key) forgets the null key.
    call(Array.from({ length: 5_000 }, (_, i) => `w${i}`));
    call(['a']);
    const after = call(['f', 'a']);
    const spreads = new Int32Array(2);
    expect(index.spreadsOf(after.slots!.slots, spreads)).toBe(true);
    expect([...spreads]).toEqual([spreadHash('f'), spreadHash('a')]);
  });
});

describe("the map output of a lone map partition", () => {
  let sc: SparkContext;
  beforeEach(() => { sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('known-spreads')); });
  afterEach(() => sc.stop());

  const output = (rdd: RDD<[unknown, number]>, reducers: number, records: readonly (readonly [unknown, number])[]) => {
    const dep = new ShuffleDependency<unknown, unknown, unknown>(rdd as RDD<[unknown, unknown]>, new HashPartitioner(reducers), sum as Aggregator<unknown, unknown>, true);
    return mapSideOutput(dep, fusedChain(dep.rdd as RDD<unknown>), 0, records) as PairColumns[];
  };

  it("carries its keys' spread hashes, batch after batch, and the reduce side's order is Spark's", () => {
    const rdd = sc.parallelize<[unknown, number]>([], 1);
    for (let b = 0; b < 5; b++) {
      const records = Array.from({ length: 400 }, (_, i) => [i % 3 === 0 ? (i * 13 + b) % 97 : `k${(i * 7 + b * 31) % (80 + b * 20)}`, 1] as [unknown, number]);
      const [block] = output(rdd, 1, records);
      expect(block!.spreads).toBeDefined();
      expect([...block!.spreads!]).toEqual(block!.keys.map((k) => spreadHash(k)));
      const ordered = inAppendOnlyMapOrder(block!);
      const expected = sparkOrderOfSums(records);
      expect(ordered.keys).toEqual(expected.map((e) => e[0]));
      expect(ordered.values).toEqual(expected.map((e) => e[1]));
      // Taken by that ordering: a second read hashes the keys, to the same order.
      expect(block!.spreads).toBeUndefined();
      expect(inAppendOnlyMapOrder(block!).keys).toEqual(ordered.keys);
    }
  });

  it('carries none when there are several reduce partitions or map partitions, or a null key', () => {
    const records: [unknown, number][] = [['a', 1], ['b', 2], ['a', 3]];
    expect(output(sc.parallelize<[unknown, number]>([], 1), 2, records).every((b) => b.spreads === undefined)).toBe(true);
    expect(output(sc.parallelize<[unknown, number]>([], 2), 1, records)[0]!.spreads).toBeUndefined();
    const withNull: [unknown, number][] = [['a', 1], [null, 2], ['c', 3]];
    const [block] = output(sc.parallelize<[unknown, number]>([], 1), 1, withNull);
    expect(block!.spreads).toBeUndefined();
    expect(inAppendOnlyMapOrder(block!).keys).toEqual(sparkOrderOfSums(withNull).map((e) => e[0]));
  });
});

describe("reduceByKey over one map partition, job after job", () => {
  it("comes out in Spark's reduce-side order", async () => {
    const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('known-spreads-jobs'));
    try {
      for (let b = 0; b < 4; b++) {
        const words = Array.from({ length: 3000 }, (_, i) => `w${(i * 17 + b * 7) % (500 + 300 * b)}`);
        const out = await sc.parallelize(words, 1).map((w) => [w, 1] as [string, number]).reduceByKey((a, c) => a + c, 1).collect();
        expect(out).toEqual(sparkReduceOrderOfSums(words.map((w) => [w, 1] as const)));
      }
    } finally {
      sc.stop();
    }
  });
});

describe("the reduce side's merge of several map partitions' blocks", () => {
  // Under local[N] a reduce partition reads one block per map partition, merged by key
  // (combineCombinerColumns) before Spark's order is restored.
  const blocksOf = (b: number): PairColumns[] => [0, 1, 2].map((m) => {
    const keys: unknown[] = [];
    const values: number[] = [];
    for (let i = 0; i < 150; i++) {
      const k = i % 5 === 0 ? (i * 11 + m + b) % 53 : `w${(i * 7 + m * 13 + b * 29) % (90 + b * 15)}`;
      if (keys.includes(k)) continue;
      keys.push(k);
      values.push(i + m);
    }
    return new PairColumns(keys, values);
  });

  it("carries its keys' slots, batch after batch, so Spark's order is read from kept spread hashes", () => {
    for (let b = 0; b < 4; b++) {
      const blocks = blocksOf(b);
      const merged = combineCombinerColumns(blocks, plus);
      const slots = merged.keySlots;
      expect(slots).toBeDefined();
      expect(slots!.slots.length).toBe(merged.keys.length);
      expect(slots!.slots.map((s) => slots!.index.keys[s])).toEqual(merged.keys);
      const spreads = new Int32Array(merged.keys.length);
      expect(slots!.index.spreadsOf(slots!.slots, spreads)).toBe(true);
      expect([...spreads]).toEqual(merged.keys.map((k) => spreadHash(k)));
      const ordered = inAppendOnlyMapOrder(merged);
      const expected = sparkOrderOfSums(blocks.flatMap((c) => c.keys.map((k, i) => [k, c.values[i] as number] as const)));
      expect(ordered.keys).toEqual(expected.map((e) => e[0]));
      expect(ordered.values).toEqual(expected.map((e) => e[1]));
    }
  });

  it('calls mergeCombiners as a fresh map would, and puts object keys last in their own order', () => {
    const calls: [unknown, unknown][] = [];
    const merge = (a: unknown, c: unknown): unknown => { calls.push([a, c]); return `${String(a)}+${String(c)}`; };
    const blocks = [
      [['a', 'a0'], [['o', 1], 'o0'], [2, 'n0']],
      new PairColumns<unknown, unknown>(['b', 2, 'a'], ['b1', 'n1', 'a1']),
      [[['o', 1], 'o2'], ['b', 'b2'], [['p'], 'p2']],
    ] as PartitionData[];
    const merged = combineCombinerColumns(blocks, merge);
    expect(merged.keys).toEqual(['a', 2, 'b', ['o', 1], ['p']]);
    expect(merged.values).toEqual(['a0+a1', 'n0+n1', 'b1+b2', 'o0+o2', 'p2']);
    expect(calls).toEqual([['n0', 'n1'], ['a0', 'a1'], ['o0', 'o2'], ['b1', 'b2']]);
  });
});
