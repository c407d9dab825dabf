import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
import { combineValuesByKeyOf } from './combine.ts';

/**
 * A kernel over blocks (`MapPartitionsRDD.blocksKernel`) that can fold its first blocks ahead
 * of the others: `finish(split, prefix(split, first), rest)` equals the kernel over `first`
 * followed by `rest`, with the user's functions called on the same values in the same order.
 * A worker thread waiting for a peer's shuffle blocks of a window's newest batch folds the
 * window's older batches, which it already holds, meanwhile.
 * @internal
 */
export interface PrefixableBlocksKernel<T, U> {
  /** Folds the first blocks of partition `split`; `undefined` when they cannot be folded ahead. */
  prefix(split: number, blocks: readonly (readonly T[])[]): unknown;
  /** The kernel's result over the prefix's blocks followed by `rest`; takes the prefix over (call once). */
  finish(split: number, prefix: unknown, rest: readonly (readonly T[])[]): U[];
}

/**
 * The prefixable form of combining `[key, value]` blocks by key (a combine over a window's
 * union): the prefix is the combine of the first blocks (one fresh `[key, combiner]` pair per
 * key, in first-seen order), and `finish` goes on combining into those pairs, then hands the
 * pairs to `order` (the kernel's output order). A prefix with a key hashed by value (an array
 * or object) is not taken, since such keys are ordered by the hashed map, not first seen.
 * @internal
 */
export function prefixableCombine<K, V, C>(agg: Aggregator<V, C>, order: (pairs: [K, C][]) => [K, C][]): PrefixableBlocksKernel<[K, V], [K, C]> {
  return {
    prefix(_split, blocks) {
      const pairs = combineValuesByKeyOf(blocks, agg);
      for (let i = 0; i < pairs.length; i++) {
        const k = pairs[i]![0];
        if (k !== null && typeof k === 'object') return undefined;
      }
      return pairs;
    },
    finish(_split, prefix, rest) {
      const out = prefix as [K, C][];
      const prim = new Map<K, [K, C]>();
      for (let i = 0; i < out.length; i++) prim.set(out[i]![0], out[i]!);
      const create = agg.createCombiner;
      const merge = agg.mergeValue;
      let other: KeyMap<K, [K, C]> | undefined;
      for (let b = 0; b < rest.length; b++) {
        const records = rest[b]!;
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          const k = r[0];
          if (k === null || typeof k !== 'object') {
            const e = prim.get(k);
            if (e !== undefined) e[1] = merge(e[1], r[1]);
            else {
              const p: [K, C] = [(k === 0 ? 0 : k) as K, create(r[1])];
              prim.set(k, p);
              out.push(p);
            }
          } else {
            other ??= new KeyMap<K, [K, C]>();
            const e = other.get(k);
            if (e !== undefined) e[1] = merge(e[1], r[1]);
            else other.set(k, [k, create(r[1])]);
          }
        }
      }
      if (other !== undefined) other.forEach((e) => { out.push(e); });
      return order(out);
    },
  };
}
