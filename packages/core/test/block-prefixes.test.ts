import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HashPartitioner, RDDComputeError, SparkConf, SparkContext, StorageLevel, type RDD } from '../src/index.ts';
import { BlockPrefixes, PrefixedEvaluator } from '../src/scheduler/block-prefixes.ts';
import { PartitionEvaluator } from '../src/scheduler/partition-evaluator.ts';
import { prefixableCombine } from '../src/rdd/prefixable-blocks-kernel.ts';
import { inAppendOnlyMapOrder, PairColumns, type PartitionData } from '../src/rdd/pair-columns.ts';
import { combineValueColumns } from '../src/rdd/combine.ts';

// The folds a worker thread makes of a window's older batches while its peers' shuffle blocks
// are in flight: the task's result must be exactly the one without the fold (same pairs, same
// order, the user's functions applied to the same values in the same order).

let sc: SparkContext;
beforeEach(() => { sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('block-prefixes')); });
afterEach(() => { sc.stop(); });

const part = new HashPartitioner(2);
const batchOf = (b: number): [string, number][] => Array.from({ length: 30 }, (_, i) => [`w${(i * 7 + b * 3) % 13}`, i + 10 * b]);

/** Per-batch sums by key over `batches`, the older ones computed and stored, the last one not (it waits for its shuffle blocks). */
async function window<C>(batches: number, combine: (union: RDD<[string, number]>) => RDD<[string, C]>): Promise<{ rdd: RDD<[string, C]>; parents: RDD<[string, number]>[] }> {
  const parents = Array.from({ length: batches }, (_, b) => sc.parallelize(batchOf(b), 2).reduceByKey((x, y) => x + y, part).persist(StorageLevel.MEMORY_ONLY));
  for (const p of parents.slice(0, -1)) await p.count();
  return { rdd: combine(sc.union(parents)), parents };
}

/** Partitions `ps` of `rdd` taking the folds in `prefixes`, once the newest batch arrived (its map side run, its partitions stored). */
async function evaluate<T>(rdd: RDD<T>, newest: RDD<unknown>, ps: readonly number[], prefixes: BlockPrefixes): Promise<(readonly T[])[]> {
  await newest.count();
  return ps.map((p) => new PrefixedEvaluator(prefixes, 0, 1, p).evaluate(rdd, p));
}

describe('union combines folded ahead (BlockPrefixes)', () => {
  it('a window reduced by key: folds every partition\'s older batches, and the task\'s pairs equal the unfolded ones, in order', async () => {
    const { rdd, parents } = await window(6, (u) => u.reduceByKey((x, y) => x + y));
    const prefixes = new BlockPrefixes();
    prefixes.fold(rdd as RDD<unknown>, [0, 1]);
    expect(prefixes.size).toBe(2);
    const folded = await evaluate(rdd, parents[5]!, [0, 1], prefixes);
    expect(prefixes.size).toBe(0);
    // The same window without folds: the same pairs in the same order.
    const again = await window(6, (u) => u.reduceByKey((x, y) => x + y));
    await again.parents[5]!.count();
    expect(folded).toEqual([0, 1].map((p) => new PartitionEvaluator(1, 0, p).evaluate(again.rdd, p)));
    // And the known sums, computed here.
    const sums = new Map<string, number>();
    for (let b = 0; b < 6; b++) for (const [k, v] of batchOf(b)) sums.set(k, (sums.get(k) ?? 0) + v);
    expect(new Map(folded.flat())).toEqual(sums);
  });

  it('a combiner that is not the value itself (lists of per-batch sums) keeps the batches\' order', async () => {
    const toLists = (u: RDD<[string, number]>): RDD<[string, number[]]> => u.combineByKey((v) => [v], (c: number[], v) => [...c, v], (a, b) => [...a, ...b], part);
    const { rdd, parents } = await window(4, toLists);
    const prefixes = new BlockPrefixes();
    prefixes.fold(rdd as RDD<unknown>, [0, 1]);
    expect(prefixes.size).toBe(2);
    const folded = (await evaluate(rdd, parents[3]!, [0, 1], prefixes)).flat();
    const expected = new Map<string, number[]>();
    for (let b = 0; b < 4; b++) {
      const perKey = new Map<string, number>();
      for (const [k, v] of batchOf(b)) perKey.set(k, (perKey.get(k) ?? 0) + v);
      for (const [k, v] of perKey) expected.set(k, [...(expected.get(k) ?? []), v]);
    }
    expect(new Map(folded)).toEqual(expected);
  });

  it('takes a fold only over exactly the blocks it folded, and never folds keys hashed by value', async () => {
    const { rdd } = await window(3, (u) => u.reduceByKey((x, y) => x + y));
    const prefixes = new BlockPrefixes();
    prefixes.fold(rdd as RDD<unknown>, [0]);
    expect(prefixes.size).toBe(1);
    // Other arrays than the stored ones (equal content): not taken, and the fold is dropped.
    expect(prefixes.take(rdd as RDD<unknown>, 0, [[['w0', 1]], [['w0', 2]], [['w0', 3]]])).toBeUndefined();
    expect(prefixes.size).toBe(0);

    const tuples = sc.parallelize([[['t', 1], 1], [['t', 1], 2]] as [[string, number], number][], 1).reduceByKey((x, y) => x + y, part).persist(StorageLevel.MEMORY_ONLY);
    await tuples.count();
    const newest = sc.parallelize([[['t', 1], 5]] as [[string, number], number][], 1).reduceByKey((x, y) => x + y, part);
    const byTuple = sc.union([tuples, newest]).reduceByKey((x, y) => x + y);
    prefixes.fold(byTuple as RDD<unknown>, [part.getPartition(['t', 1])]);
    expect(prefixes.size).toBe(0);
  });

  it('a failing reduce function drops the fold, and the task fails in its place', async () => {
    const { rdd, parents } = await window(3, (u) => u.reduceByKey((x, y) => { if (x + y > 60) throw new Error('too big'); return x + y; }));
    const prefixes = new BlockPrefixes();
    prefixes.fold(rdd as RDD<unknown>, [0, 1]);
    expect(prefixes.size).toBe(0);
    await expect(evaluate(rdd, parents[2]!, [0, 1], prefixes)).rejects.toThrow(RDDComputeError);
  });

  it('the task goes on from the fold: only keys new in the newest batch are added to its map, and the result equals a combine of all the blocks', () => {
    const kernel = prefixableCombine<string, number, number>({ createCombiner: (v) => v, mergeValue: (c, v) => c + v, mergeCombiners: (a, b) => a + b });
    const older = [new PairColumns(['a', 'b', 'c'], [1, 2, 3]), [['b', 10], ['d', 4]] as [string, number][]];
    const newest = new PairColumns(['c', 'e', 'a', 'f'], [100, 5, 1000, 6]);
    const prefix = kernel.prefix(0, older);
    const sets = vi.spyOn(Map.prototype, 'set');
    let out: readonly (readonly [string, number])[];
    try {
      const data = kernel.finish(0, prefix, [newest]);
      // Two keys are new ('e', 'f'): the prefix's four keys are not hashed into a map again.
      expect(sets.mock.calls.filter(([k]) => typeof k === 'string')).toEqual([['e', 4], ['f', 5]]);
      out = data instanceof PairColumns ? (data.pairs() as [string, number][]) : data;
    } finally {
      sets.mockRestore();
    }
    const sums = new Map<string, number>();
    for (const block of [...older, newest]) {
      const pairs = block instanceof PairColumns ? (block.pairs() as [string, number][]) : block;
      for (const [k, v] of pairs) sums.set(k, (sums.get(k) ?? 0) + v);
    }
    expect(new Map(out)).toEqual(sums);
    // Spark's reduce-side order, as the one-step combine over all the blocks gives it.
    const oneStep = inAppendOnlyMapOrder(combineValueColumns([...older, newest], { createCombiner: (v: number) => v, mergeValue: (c: number, v: number) => c + v, mergeCombiners: (a: number, b: number) => a + b }));
    expect(out).toEqual(oneStep.pairs());
  });

  it('the next slide folds into the key index kept for its partition: known keys are never inserted again, results equal a one-step combine', () => {
    const plus = (c: number, v: number): number => c + v;
    const agg = { createCombiner: (v: number) => v, mergeValue: plus, mergeCombiners: plus };
    // Spark's order and sums over `blocks`, from a one-step combine of its own (fresh map).
    const oneStep = (blocks: PartitionData<[string, number]>[]): [string, number][] => inAppendOnlyMapOrder(combineValueColumns(blocks, agg, { prim: new Map(), keys: [], values: [] })).pairs() as [string, number][];
    const slide = (s: number): PartitionData<[string, number]>[] => Array.from({ length: 5 }, (_, b) => new PairColumns(Array.from({ length: 40 }, (_, i) => `w${(i * 3 + (b + s) * 7) % (50 + s)}`), Array.from({ length: 40 }, (_, i) => i + b)));
    for (let s = 0; s < 4; s++) {
      // A new RDD every slide (a new kernel), the same stream's reduce function.
      const kernel = prefixableCombine<string, number, number>(agg);
      const blocks = slide(s);
      const known = new Set<string>();
      if (s > 0) for (const b of slide(s - 1)) for (const k of (b as PairColumns<string, number>).keys) known.add(k);
      const sets = vi.spyOn(Map.prototype, 'set');
      let out: PartitionData<[string, number]>;
      try {
        out = kernel.finish(3, kernel.prefix(3, blocks.slice(0, 4)), blocks.slice(4));
        const inserted = sets.mock.calls.map(([k]) => k).filter((k) => typeof k === 'string');
        // Every key once at most, and none the previous slide saw.
        expect(new Set(inserted).size).toBe(inserted.length);
        expect(inserted.filter((k) => known.has(k as string))).toEqual([]);
        if (s > 0) expect(inserted.length).toBeLessThan(new Set(blocks.flatMap((b) => (b as PairColumns<string, number>).keys)).size);
      } finally {
        sets.mockRestore();
      }
      expect((out as PairColumns<string, number>).pairs()).toEqual(oneStep(blocks));
    }
  });

  it('a dropped fold lets go of its partition\'s index, and a second fold of the same partition and function while one is open uses a map of its own', () => {
    const plus = (c: number, v: number): number => c + v;
    const agg = { createCombiner: (v: number) => v, mergeValue: plus, mergeCombiners: plus };
    const older: PartitionData<[string, number]>[] = [[['a', 1], ['b', 2]], [['a', 3], ['c', 4]]];
    const newest: PartitionData<[string, number]>[] = [[['c', 10], ['d', 20]]];
    const kernel = prefixableCombine<string, number, number>(agg);
    const first = kernel.prefix(0, older);
    // While `first` is open, a second fold (another window with the same function) still folds, and both finish right.
    const second = prefixableCombine<string, number, number>(agg);
    const other = second.prefix(0, older);
    const expected: [string, number][] = [['a', 4], ['b', 2], ['c', 14], ['d', 20]];
    const sorted = (d: PartitionData<[string, number]>): [string, number][] => [...(d instanceof PairColumns ? d.pairs() as [string, number][] : d)].sort();
    expect(sorted(second.finish(0, other, newest))).toEqual(expected);
    kernel.drop(first);
    // Dropped: the index is free again, so the next fold uses it and inserts no key it knows.
    const sets = vi.spyOn(Map.prototype, 'set');
    try {
      const again = kernel.prefix(0, older);
      expect(sets.mock.calls.filter(([k]) => typeof k === 'string')).toEqual([]);
      expect(sorted(kernel.finish(0, again, newest))).toEqual(expected);
      expect(sets.mock.calls.filter(([k]) => typeof k === 'string').map(([k]) => k)).toEqual(['d']);
    } finally {
      sets.mockRestore();
    }
    // A fold is finished once.
    expect(() => kernel.drop(first)).not.toThrow();
  });

  it('a prefix with a key hashed by value is not taken', () => {
    const kernel = prefixableCombine<unknown, number, number>({ createCombiner: (v) => v, mergeValue: (c, v) => c + v, mergeCombiners: (a, b) => a + b });
    expect(kernel.prefix(0, [[['a', 1], [['t', 1], 2]]])).toBeUndefined();
    expect(kernel.prefix(0, [[['a', 1], [null, 2], [0, 3]]])).toBeDefined();
  });
});
