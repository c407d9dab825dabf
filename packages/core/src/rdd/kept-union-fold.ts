import type { Aggregator } from './aggregator.ts';
import { addValueColumns } from './combine.ts';
import { CombineKeyIndex } from './combine-key-index.ts';
import { PairColumns, type PartitionData } from './pair-columns.ts';

/**
 * A combine by key over a union's blocks (a window re-reduced without an inverse function),
 * kept open after its result is taken, one per partition and reduce function: the next
 * combine over the same blocks followed by others (the next slide of a window that has not
 * filled yet, or the same window computed again by another job of the batch) adds only the
 * blocks past those, instead of folding the whole window again. A combine over other blocks
 * (a window that slid: its oldest batch left) gives the kept one up and folds its blocks
 * afresh, in the same key index (the keys it knew are not inserted again).
 *
 * What this keeps is exactly the state a one-step combine of the kept blocks ends in: each key
 * first seen in them, in first-seen order, with its combiner (`createCombiner` of its first
 * value, then `mergeValue` of each next one, in the blocks' order). Going on over more blocks
 * calls the user's functions as the one-step combine would go on, so the result is the same
 * pairs in the same order (Spark's left fold over the union, in the batches' order, also for
 * a function that is not commutative). The blocks must be the same arrays, in order
 * (partitions are read-only once computed); they are held weakly, so a block forgotten by its
 * stream is never matched again. A fold is kept only when every combiner is a primitive value:
 * a user function that updates its first argument in place (`c.push(v)`) would otherwise change
 * a result already handed out. A fold with keys hashed by value (arrays, objects: ordered by a
 * hashed map, not first seen) is not kept either.
 * @internal
 */
export class KeptUnionFold {
  readonly #index = new CombineKeyIndex();
  /** The open call of the index (a fold running, or kept), or undefined. */
  #call: CombineKeyIndex | undefined;
  /** The `createCombiner` the open call was folded with. */
  #create: unknown;
  /** The blocks the open call folded, in order. */
  #folded: WeakRef<object>[] = [];
  /** Set from {@link start} to {@link result} or {@link drop} (a user's function may start another combine meanwhile). */
  #running = false;

  /** The kept fold of partition `split` for `agg`'s reduce function (`mergeValue`). */
  static of<V, C>(agg: Aggregator<V, C>, split: number): KeptUnionFold {
    let bySplit = kept.get(agg.mergeValue);
    if (bySplit === undefined) kept.set(agg.mergeValue, (bySplit = []));
    return (bySplit[split] ??= new KeptUnionFold());
  }

  /**
   * Starts a combine of `blocks` with `agg`: returns how many of the first blocks the kept
   * fold already folded with the same functions (the combine goes on from it; 0 when it
   * starts afresh), or `undefined` when this fold is running already (a user function called
   * inside it started another combine on the same partition): the caller then combines into a
   * map of its own.
   */
  start<V, C>(agg: Aggregator<V, C>, blocks: readonly PartitionData[]): number | undefined {
    if (this.#running) return undefined;
    if (this.#call !== undefined && (this.#create !== agg.createCombiner || !this.#begins(blocks))) this.#release();
    this.#running = true;
    if (this.#call === undefined) {
      this.#call = this.#index.begin()!;
      this.#create = agg.createCombiner;
    }
    return this.#folded.length;
  }

  /**
   * Adds `blocks` (the next ones after those folded) to the running combine; returns the keys
   * hashed by value among them with their combiners, or `undefined` when there are none. A
   * user function's error gives the fold up and is thrown.
   */
  add<V, C>(agg: Aggregator<V, C>, blocks: readonly PartitionData[]): PairColumns | undefined {
    let other: PairColumns | undefined;
    try {
      other = addValueColumns(this.#call!, blocks, agg);
    } catch (e) {
      this.drop();
      throw e;
    }
    for (let b = 0; b < blocks.length; b++) this.#folded.push(new WeakRef(blocks[b]!));
    return other;
  }

  /**
   * The running combine's result: the keys in first-seen order with their combiners, then
   * `other` (the keys hashed by value, see {@link add}). The fold is kept when it can be
   * (see the class comment), given up otherwise.
   */
  result(other: PairColumns | undefined): PairColumns {
    const { keys, values, primitive } = this.#call!.peek();
    if (other !== undefined) for (let i = 0; i < other.length; i++) { keys.push(other.keys[i]); values.push(other.values[i]); }
    if (!primitive || other !== undefined) this.#release();
    this.#running = false;
    return new PairColumns(keys, values);
  }

  /** Gives the running combine up (its result is not wanted, or a user function failed). */
  drop(): void {
    this.#release();
    this.#running = false;
  }

  /** Whether the blocks folded are the first of `blocks`, in order. */
  #begins(blocks: readonly PartitionData[]): boolean {
    const folded = this.#folded;
    if (folded.length > blocks.length) return false;
    for (let b = 0; b < folded.length; b++) if (folded[b]!.deref() !== blocks[b]) return false;
    return true;
  }

  #release(): void {
    if (this.#call !== undefined) this.#call.abandon();
    this.#call = undefined;
    this.#folded = [];
  }
}

/** The kept folds, per reduce function (a stream's `mergeValue`, the same object every batch) and partition. */
const kept = new WeakMap<object, KeptUnionFold[]>();
