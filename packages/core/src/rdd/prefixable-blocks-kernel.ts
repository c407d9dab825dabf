import type { Aggregator } from './aggregator.ts';
import { combineValueColumns } from './combine.ts';
import type { CombineState } from './compiled-combine.ts';
import { inAppendOnlyMapOrder, type PartitionData } from './pair-columns.ts';

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
 * in first-seen order, and the map from each key to its index), and `finish` goes on
 * combining into those columns and that map (no key of the prefix is hashed again), then puts
 * them in Spark's order as the one-step kernel does. A prefix with a key hashed by value (an
 * array or object) is not taken, since such keys are ordered by the hashed map, not first seen.
 * @internal
 */
export function prefixableCombine<K, V, C>(agg: Aggregator<V, C>): PrefixableBlocksKernel<[K, V], [K, C]> {
  return {
    prefix(_split, blocks) {
      const state: CombineState = { prim: new Map(), keys: [], values: [] };
      combineValueColumns(blocks as readonly PartitionData[], agg, state);
      // Keys hashed by value were appended after the map's: such a prefix is not taken.
      return state.keys.length === state.prim.size ? state : undefined;
    },
    finish(_split, prefix, rest) {
      return inAppendOnlyMapOrder(combineValueColumns(rest as readonly PartitionData[], agg, prefix as CombineState)) as PartitionData<[K, C]>;
    },
  };
}
