import type { Aggregator } from './aggregator.ts';
import { combineValueColumns } from './combine.ts';
import type { CombineState } from './compiled-combine.ts';
import { KeptUnionFold } from './kept-union-fold.ts';
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
  /** Lets go of a prefix that will not be finished (what it holds is released). */
  drop(prefix: unknown): void;
}

/**
 * A {@link PrefixableBlocksKernel} that also combines all of a partition's blocks in one step
 * (the kernel itself, as a task on one thread runs it).
 * @internal
 */
export interface UnionCombineKernel<T, U> extends PrefixableBlocksKernel<T, U> {
  /** The kernel over all of partition `split`'s blocks: `finish(split, prefix(split, blocks), [])`, with a fallback. */
  whole(split: number, blocks: readonly PartitionData<T>[]): PartitionData<U>;
}

/**
 * The prefixable form of combining `[key, value]` blocks by key (a combine over a window's
 * union). The fold is the partition's {@link KeptUnionFold} (one per partition and reduce
 * function), which goes on from the previous combine when that one folded this one's first
 * blocks (a window not yet full, or the same window again: only the blocks that entered are
 * folded) and otherwise folds afresh in a key index kept from one slide to the next (a
 * window's next slide folds mostly the same keys). The prefix leaves the fold open, holding
 * one combiner per key of the first blocks, in first-seen order; `finish` goes on with the
 * same fold over the other blocks (no key of the prefix is hashed into a map again, and keys
 * the index knew from earlier slides are not inserted at all) and puts the keys in Spark's
 * order as the one-step kernel does. The user's functions see the same values in the same
 * order as a one-step combine would, past the blocks a kept fold had folded already. A prefix
 * with a key hashed by value (an array or object) is not taken, since such keys are ordered by
 * the hashed map, not first seen. When the partition's fold is in use (two folds of the same
 * reduce function on one partition in one job), the prefix grows a map of its own instead.
 * @internal
 */
export function prefixableCombine<K, V, C>(agg: Aggregator<V, C>): UnionCombineKernel<[K, V], [K, C]> {
  return {
    prefix(split, blocks) {
      const fold = KeptUnionFold.of(agg, split);
      const from = fold.start(agg, blocks as readonly PartitionData[]);
      if (from === undefined) {
        const state: CombineState = { prim: new Map(), keys: [], values: [] };
        combineValueColumns(blocks as readonly PartitionData[], agg, state);
        // Keys hashed by value were appended after the map's: such a prefix is not taken.
        return state.keys.length === state.prim.size ? state : undefined;
      }
      if (fold.add(agg, rest(blocks as readonly PartitionData[], from)) === undefined) return new OpenFold(fold);
      fold.drop();
      return undefined;
    },
    finish(_split, prefix, blocks) {
      if (!(prefix instanceof OpenFold)) {
        return inAppendOnlyMapOrder(combineValueColumns(blocks as readonly PartitionData[], agg, prefix as CombineState)) as PartitionData<[K, C]>;
      }
      const fold = prefix.take();
      return inAppendOnlyMapOrder(fold.result(fold.add(agg, blocks as readonly PartitionData[]))) as PartitionData<[K, C]>;
    },
    drop(prefix) {
      if (prefix instanceof OpenFold && prefix.open) prefix.take().drop();
    },
    whole(split, blocks) {
      const fold = KeptUnionFold.of(agg, split);
      const from = fold.start(agg, blocks as readonly PartitionData[]);
      // Started inside a user function of the same fold: a map of its own.
      if (from === undefined) return inAppendOnlyMapOrder(combineValueColumns(blocks as readonly PartitionData[], agg)) as PartitionData<[K, C]>;
      return inAppendOnlyMapOrder(fold.result(fold.add(agg, rest(blocks as readonly PartitionData[], from)))) as PartitionData<[K, C]>;
    },
  };
}

/** The blocks past the first `from`. */
function rest(blocks: readonly PartitionData[], from: number): readonly PartitionData[] {
  return from === 0 ? blocks : blocks.slice(from);
}

/** A prefix folded into its partition's open fold (finished or dropped once). */
class OpenFold {
  open = true;
  constructor(readonly fold: KeptUnionFold) {}

  /** The open fold, taken once. */
  take(): KeptUnionFold {
    if (!this.open) throw new Error('Kindling internal error: a window\'s fold was finished or dropped twice');
    this.open = false;
    return this.fold;
  }
}
