import type { Aggregator } from './aggregator.ts';
import { addValueColumns, combineValueColumns } from './combine.ts';
import { CombineKeyIndex } from './combine-key-index.ts';
import type { CombineState } from './compiled-combine.ts';
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
  /** Lets go of a prefix that will not be finished (what it holds is released). */
  drop(prefix: unknown): void;
}

/**
 * The prefixable form of combining `[key, value]` blocks by key (a combine over a window's
 * union). The prefix is a call of a key index kept for the partition from one slide to the
 * next ({@link CombineKeyIndex}, one per partition and reduce function: a window's next slide
 * folds mostly the same keys), left open: it holds one combiner per key of the first blocks,
 * in first-seen order. `finish` goes on with the same call over the other blocks (no key of the
 * prefix is hashed into a map again, and keys the index knew from earlier slides are not
 * inserted at all), ends it, and puts the keys in Spark's order as the one-step kernel does.
 * The user's functions see the same values in the same order as a one-step combine. A prefix
 * with a key hashed by value (an array or object) is not taken, since such keys are ordered by
 * the hashed map, not first seen. When the partition's index is in use (two folds of the same
 * reduce function on one partition in one job), the prefix grows a map of its own instead.
 * @internal
 */
export function prefixableCombine<K, V, C>(agg: Aggregator<V, C>): PrefixableBlocksKernel<[K, V], [K, C]> {
  return {
    prefix(split, blocks) {
      let indexes = foldIndexes.get(agg.mergeValue);
      if (indexes === undefined) foldIndexes.set(agg.mergeValue, (indexes = []));
      const call = (indexes[split] ??= new CombineKeyIndex()).begin();
      if (call === undefined) {
        const state: CombineState = { prim: new Map(), keys: [], values: [] };
        combineValueColumns(blocks as readonly PartitionData[], agg, state);
        // Keys hashed by value were appended after the map's: such a prefix is not taken.
        return state.keys.length === state.prim.size ? state : undefined;
      }
      let other: PairColumns | undefined;
      try {
        other = addValueColumns(call, blocks as readonly PartitionData[], agg);
      } catch (e) {
        call.end();
        throw e;
      }
      if (other === undefined) return new OpenFold(call);
      call.end();
      return undefined;
    },
    finish(_split, prefix, rest) {
      if (!(prefix instanceof OpenFold)) {
        return inAppendOnlyMapOrder(combineValueColumns(rest as readonly PartitionData[], agg, prefix as CombineState)) as PartitionData<[K, C]>;
      }
      const call = prefix.take();
      let other: PairColumns | undefined;
      let out: { keys: unknown[]; values: unknown[] };
      try {
        other = addValueColumns(call, rest as readonly PartitionData[], agg);
      } finally {
        out = call.end();
      }
      const { keys, values } = out;
      // Keys hashed by value go last, in the hashed map's order, as in a one-step combine.
      if (other !== undefined) for (let i = 0; i < other.length; i++) { keys.push(other.keys[i]); values.push(other.values[i]); }
      return inAppendOnlyMapOrder(new PairColumns(keys, values)) as PartitionData<[K, C]>;
    },
    drop(prefix) {
      if (prefix instanceof OpenFold && prefix.open) prefix.take().end();
    },
  };
}

/** A prefix folded into an open call of its partition's key index (finished or dropped once). */
class OpenFold {
  open = true;
  constructor(readonly call: CombineKeyIndex) {}

  /** The open call, taken once. */
  take(): CombineKeyIndex {
    if (!this.open) throw new Error('Kindling internal error: a window\'s fold was finished or dropped twice');
    this.open = false;
    return this.call;
  }
}

/**
 * The key indexes of the folds, per reduce function (a stream's `mergeValue`, the same object
 * every batch) and partition.
 */
const foldIndexes = new WeakMap<(c: never, v: never) => unknown, CombineKeyIndex[]>();
