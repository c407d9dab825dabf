import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
import { combineValueColumns } from './combine.ts';
import { inAppendOnlyMapOrder, PairColumns, type PartitionData } from './pair-columns.ts';

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
  prefix(split: number, blocks: readonly PartitionData<T>[]): unknown;
  /** The kernel's result over the prefix's blocks followed by `rest`; takes the prefix over (call once). */
  finish(split: number, prefix: unknown, rest: readonly PartitionData<T>[]): PartitionData<U>;
}

/**
 * The prefixable form of combining `[key, value]` blocks by key (a combine over a window's
 * union): the prefix is the combine of the first blocks (fresh columns, one combiner per key,
 * in first-seen order), and `finish` goes on combining into those columns, then puts them in
 * Spark's order as the one-step kernel does. A prefix with a key hashed by value (an array or
 * object) is not taken, since such keys are ordered by the hashed map, not first seen.
 * @internal
 */
export function prefixableCombine<K, V, C>(agg: Aggregator<V, C>): PrefixableBlocksKernel<[K, V], [K, C]> {
  return {
    prefix(_split, blocks) {
      const cols = combineValueColumns(blocks as readonly PartitionData[], agg);
      const keys = cols.keys;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (k !== null && typeof k === 'object') return undefined;
      }
      return cols;
    },
    finish(_split, prefix, rest) {
      const { keys, values } = prefix as PairColumns<K, C>;
      const prim = new Map<K, number>();
      for (let i = 0; i < keys.length; i++) prim.set(keys[i]!, i);
      const create = agg.createCombiner;
      const merge = agg.mergeValue;
      let other: KeyMap<K, number> | undefined;
      const otherKeys: K[] = [];
      const otherValues: C[] = [];
      const insert = (k: K, v: V): void => {
        if (k === null || typeof k !== 'object') {
          const e = prim.get(k);
          if (e !== undefined) values[e] = merge(values[e]!, v);
          else {
            prim.set(k, keys.length);
            keys.push((k === 0 ? 0 : k) as K);
            values.push(create(v));
          }
        } else {
          other ??= new KeyMap<K, number>();
          const e = other.get(k);
          if (e !== undefined) otherValues[e] = merge(otherValues[e]!, v);
          else {
            other.set(k, otherKeys.length);
            otherKeys.push(k);
            otherValues.push(create(v));
          }
        }
      };
      for (let b = 0; b < rest.length; b++) {
        const block = rest[b]!;
        if (block instanceof PairColumns) {
          const ks = block.keys as K[];
          const vs = block.values as V[];
          for (let i = 0; i < ks.length; i++) insert(ks[i]!, vs[i]!);
        } else {
          const records = block as readonly (readonly [K, V])[];
          for (let i = 0; i < records.length; i++) insert(records[i]![0], records[i]![1]);
        }
      }
      // Keys hashed by value go last, in the hashed map's order (as the one-step combine puts them).
      if (other !== undefined) other.forEach((e) => { keys.push(otherKeys[e]!); values.push(otherValues[e]!); });
      return inAppendOnlyMapOrder(new PairColumns(keys, values)) as PartitionData<[K, C]>;
    },
  };
}
