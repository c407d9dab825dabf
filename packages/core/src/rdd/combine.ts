import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
import { compiledCombine, type CombineState, type CompiledCombine } from './compiled-combine.ts';
import type { ChainFailure } from './record-pipeline.ts';
import { CombineKeyIndex } from './combine-key-index.ts';
import { PairColumns } from './pair-columns.ts';
import type { PartitionData } from './pair-columns.ts';

const rethrow: ChainFailure = (_op, e) => { throw e; };

// The per-key combining loops of shuffles. Primitive keys go straight to a native Map;
// only arrays/objects pay for hashing by value. Values are combined by a loop compiled per
// aggregator (compiled-combine.ts); MapSideCombiner is the same loop taking records one by one.
//
// The maps hold each key's output pair itself and the loops update its combiner in place:
// a key already seen costs one hash lookup (not a get and a set), and the output array is
// built as keys first appear, with no pass over the map at the end. The pairs are fresh,
// never the caller's records, so updating them is safe.

/** The pair for a primitive key seen for the first time (-0 as 0, as a native Map keys it). */
function newPair<K, C>(k: K, c: C): [K, C] {
  return [(k === 0 ? 0 : k) as K, c];
}

/** Combines `[key, value]` records into `[key, combiner]` pairs, one per distinct key. */
export function combineValuesByKey<K, V, C>(records: readonly (readonly [K, V])[], agg: Aggregator<V, C>): [K, C][] {
  return compiledCombine([], agg as Aggregator<unknown, unknown>)([records], rethrow).pairs() as [K, C][];
}

/**
 * {@link combineValuesByKey} over several arrays of records taken in order, as if
 * concatenated (without building the concatenation).
 */
export function combineValuesByKeyOf<K, V, C>(blocks: readonly (readonly (readonly [K, V])[])[], agg: Aggregator<V, C>): [K, C][] {
  return combineValueColumns(blocks, agg).pairs() as [K, C][];
}

/**
 * {@link combineValuesByKeyOf} over blocks of records or columns, into columns; with `into`,
 * going on from (and updating) an earlier combine's state (see {@link CombineState}).
 * @internal
 */
export function combineValueColumns<V, C>(blocks: readonly PartitionData[], agg: Aggregator<V, C>, into?: CombineState): PairColumns {
  return compiledCombine([], agg as Aggregator<unknown, unknown>)(blocks, rethrow, into);
}

/**
 * Adds the `[key, value]` records of `blocks` (pairs or columns) to the open call of key index
 * `call` with `agg`'s functions (see {@link CompiledCombine}'s `addTo`); returns the keys
 * hashed by value with their combiners, or `undefined` when there are none.
 * @internal
 */
export function addValueColumns<V, C>(call: CombineKeyIndex, blocks: readonly PartitionData[], agg: Aggregator<V, C>): PairColumns | undefined {
  return compiledCombine([], agg as Aggregator<unknown, unknown>).addTo(call, blocks, rethrow);
}

/** Merges blocks of `[key, combiner]` pairs (from the map side) into one pair per key. */
export function combineCombinersByKey<K, C>(
  blocks: readonly (readonly (readonly [K, C])[])[],
  mergeCombiners: (a: C, b: C) => C,
): [K, C][] {
  return combineCombinerColumns(blocks, mergeCombiners as (a: unknown, b: unknown) => unknown).pairs() as [K, C][];
}

/**
 * {@link combineCombinersByKey} over blocks of pairs or columns, into columns: primitive keys
 * in first-seen order, then the others in their hashed map's order. Primitive keys go
 * through the {@link CombineKeyIndex} of `mergeCombiners` (kept from one call to the next, as
 * a compiled combine keeps its own): the output and the calls of `mergeCombiners` are those
 * of a fresh map. The output carries its keys' slots in that index, so that Spark's order
 * (`inAppendOnlyMapOrder`) reads each known key's spread hash from the index instead of
 * hashing every key again each batch.
 * @internal
 */
export function combineCombinerColumns(blocks: readonly PartitionData[], mergeCombiners: (a: unknown, b: unknown) => unknown): PairColumns {
  let index = keyIndexes.get(mergeCombiners);
  if (index === undefined) keyIndexes.set(mergeCombiners, (index = new CombineKeyIndex()));
  const call = index.begin();
  // A merge started inside a user function of another on the same function: a map of its own.
  if (call === undefined) return mergeIntoFreshMap(blocks, mergeCombiners);
  // The compiled loop of a combine whose combiner is the first value itself and whose merge
  // is `mergeCombiners`: a merge of combiners, with `mergeCombiners` inlined into the loop
  // (a closure handed to a shared loop is called from one megamorphic site per record).
  const loop = compiledCombine([], { createCombiner: firstCombiner, mergeValue: mergeCombiners, mergeCombiners });
  let other: PairColumns | undefined;
  let out: ReturnType<CombineKeyIndex['end']>;
  try {
    other = loop.addTo(call, blocks, rethrow);
  } finally {
    out = call.end();
  }
  const { keys, values } = out;
  // Keys hashed by value go last, in their hashed map's order.
  if (other !== undefined) for (let i = 0; i < other.keys.length; i++) { keys.push(other.keys[i]); values.push(other.values[i]); }
  const cols = new PairColumns(keys, values);
  cols.keySlots = out.slots;
  return cols;
}

/** A key's first combiner in a merge of combiners: the combiner itself. */
function firstCombiner(c: unknown): unknown {
  return c;
}

/** The combiners of object keys (compared by value), in first-seen order: they follow the primitive keys. */
class ObjectKeyCombiners {
  readonly #index = new KeyMap<unknown, number>();
  readonly #keys: unknown[] = [];
  readonly #values: unknown[] = [];

  add(k: unknown, c: unknown, mergeCombiners: (a: unknown, b: unknown) => unknown): void {
    const e = this.#index.get(k);
    if (e !== undefined) this.#values[e] = mergeCombiners(this.#values[e], c);
    else {
      this.#index.set(k, this.#keys.length);
      this.#keys.push(k);
      this.#values.push(c);
    }
  }

  /** Appends the object keys and their combiners, in first-seen order. */
  appendTo(keys: unknown[], values: unknown[]): void {
    this.#index.forEach((e) => { keys.push(this.#keys[e]); values.push(this.#values[e]); });
  }
}

/** Calls `f` on each pair of `blocks` in order (columns read column by column). */
function forEachPair(blocks: readonly PartitionData[], f: (k: unknown, v: unknown) => void): void {
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    if (block instanceof PairColumns) {
      const ks = block.keys;
      const vs = block.values;
      for (let i = 0; i < ks.length; i++) f(ks[i], vs[i]);
    } else {
      for (let i = 0; i < block.length; i++) {
        const r = block[i] as readonly [unknown, unknown];
        f(r[0], r[1]);
      }
    }
  }
}

/** {@link combineCombinerColumns} into a map of its own. */
function mergeIntoFreshMap(blocks: readonly PartitionData[], mergeCombiners: (a: unknown, b: unknown) => unknown): PairColumns {
  const prim = new Map<unknown, number>();
  const keys: unknown[] = [];
  const values: unknown[] = [];
  let other: ObjectKeyCombiners | undefined;
  forEachPair(blocks, (k, c) => {
    if (k === null || typeof k !== 'object') {
      const e = prim.get(k);
      if (e !== undefined) values[e] = mergeCombiners(values[e], c);
      else {
        prim.set(k, keys.length);
        keys.push(k === 0 ? 0 : k);
        values.push(c);
      }
    } else (other ??= new ObjectKeyCombiners()).add(k, c, mergeCombiners);
  });
  other?.appendTo(keys, values);
  return new PairColumns(keys, values);
}

/** The key index of each `mergeCombiners` function (see {@link CombineKeyIndex}). */
const keyIndexes = new WeakMap<(a: unknown, b: unknown) => unknown, CombineKeyIndex>();

/**
 * Streaming form of {@link combineValuesByKey}: records are inserted one by one (from a
 * fused chain of narrow operators) and never stored.
 */
export class MapSideCombiner<K, V, C> {
  private readonly out: [K, C][] = [];
  private other: KeyMap<K, [K, C]> | undefined;
  /** Inserts one `[key, value]` record (bound: pass it around as a function). */
  readonly insert: (r: readonly [K, V]) => void;

  constructor(agg: Aggregator<V, C>) {
    const prim = new Map<K, [K, C]>();
    const out = this.out;
    const create = agg.createCombiner;
    const merge = agg.mergeValue;
    this.insert = (r) => {
      const k = r[0];
      if (k === null || typeof k !== 'object') {
        const e = prim.get(k);
        if (e !== undefined) e[1] = merge(e[1], r[1]);
        else {
          const p = newPair(k, create(r[1]));
          prim.set(k, p);
          out.push(p);
        }
      } else {
        const other = (this.other ??= new KeyMap<K, [K, C]>());
        const e = other.get(k);
        if (e !== undefined) e[1] = merge(e[1], r[1]);
        else other.set(k, [k, create(r[1])]);
      }
    };
  }

  /** The combined pairs: primitive keys in first-seen order, then the others. Call once. */
  result(): [K, C][] {
    const out = this.out;
    if (this.other !== undefined) this.other.forEach((e) => { out.push(e); });
    return out;
  }
}
