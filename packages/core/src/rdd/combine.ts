import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';
import { compiledCombine } from './compiled-combine.ts';
import type { ChainFailure } from './record-pipeline.ts';

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
  return compiledCombine([], agg as Aggregator<unknown, unknown>)([records], rethrow) as [K, C][];
}

/**
 * {@link combineValuesByKey} over several arrays of records taken in order, as if
 * concatenated (without building the concatenation).
 */
export function combineValuesByKeyOf<K, V, C>(blocks: readonly (readonly (readonly [K, V])[])[], agg: Aggregator<V, C>): [K, C][] {
  return compiledCombine([], agg as Aggregator<unknown, unknown>)(blocks, rethrow) as [K, C][];
}

/** Merges blocks of `[key, combiner]` pairs (from the map side) into one pair per key. */
export function combineCombinersByKey<K, C>(
  blocks: readonly (readonly (readonly [K, C])[])[],
  mergeCombiners: (a: C, b: C) => C,
): [K, C][] {
  const prim = new Map<K, [K, C]>();
  const out: [K, C][] = [];
  let other: KeyMap<K, [K, C]> | undefined;
  for (let b = 0; b < blocks.length; b++) {
    const records = blocks[b]!;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const k = r[0];
      if (k === null || typeof k !== 'object') {
        const e = prim.get(k);
        if (e !== undefined) e[1] = mergeCombiners(e[1], r[1]);
        else {
          const p = newPair(k, r[1]);
          prim.set(k, p);
          out.push(p);
        }
      } else {
        other ??= new KeyMap<K, [K, C]>();
        const e = other.get(k);
        if (e !== undefined) e[1] = mergeCombiners(e[1], r[1]);
        else other.set(k, [k, r[1]]);
      }
    }
  }
  if (other !== undefined) other.forEach((e) => { out.push(e); });
  return out;
}

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
