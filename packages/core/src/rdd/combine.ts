import { KeyMap } from '../util/key-map.ts';
import type { Aggregator } from './aggregator.ts';

// The per-key combining loops of shuffles. Primitive keys go straight to a native Map;
// only arrays/objects pay for hashing by value.

/** Combines `[key, value]` records into `[key, combiner]` pairs, one per distinct key. */
export function combineValuesByKey<K, V, C>(records: readonly (readonly [K, V])[], agg: Aggregator<V, C>): [K, C][] {
  const prim = new Map<K, C>();
  let other: KeyMap<K, C> | undefined;
  const create = agg.createCombiner;
  const merge = agg.mergeValue;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const k = r[0];
    if (k === null || typeof k !== 'object') {
      const c = prim.get(k);
      if (c === undefined && !prim.has(k)) prim.set(k, create(r[1]));
      else prim.set(k, merge(c as C, r[1]));
    } else {
      other ??= new KeyMap<K, C>();
      if (other.has(k)) other.set(k, merge(other.get(k) as C, r[1]));
      else other.set(k, create(r[1]));
    }
  }
  return toPairs(prim, other);
}

/** Merges blocks of `[key, combiner]` pairs (from the map side) into one pair per key. */
export function combineCombinersByKey<K, C>(
  blocks: readonly (readonly (readonly [K, C])[])[],
  mergeCombiners: (a: C, b: C) => C,
): [K, C][] {
  const prim = new Map<K, C>();
  let other: KeyMap<K, C> | undefined;
  for (let b = 0; b < blocks.length; b++) {
    const records = blocks[b]!;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const k = r[0];
      if (k === null || typeof k !== 'object') {
        const c = prim.get(k);
        if (c === undefined && !prim.has(k)) prim.set(k, r[1]);
        else prim.set(k, mergeCombiners(c as C, r[1]));
      } else {
        other ??= new KeyMap<K, C>();
        if (other.has(k)) other.set(k, mergeCombiners(other.get(k) as C, r[1]));
        else other.set(k, r[1]);
      }
    }
  }
  return toPairs(prim, other);
}

function toPairs<K, C>(prim: Map<K, C>, other: KeyMap<K, C> | undefined): [K, C][] {
  const out = new Array<[K, C]>(prim.size + (other?.size ?? 0));
  let i = 0;
  for (const e of prim) out[i++] = e;
  if (other) other.forEach((v, k) => { out[i++] = [k, v]; });
  return out;
}

/**
 * Streaming form of {@link combineValuesByKey}: records are inserted one by one (from a
 * fused chain of narrow operators) and never stored.
 */
export class MapSideCombiner<K, V, C> {
  private readonly prim = new Map<K, C>();
  private other: KeyMap<K, C> | undefined;
  /** Inserts one `[key, value]` record (bound: pass it around as a function). */
  readonly insert: (r: readonly [K, V]) => void;

  constructor(agg: Aggregator<V, C>) {
    const prim = this.prim;
    const create = agg.createCombiner;
    const merge = agg.mergeValue;
    this.insert = (r) => {
      const k = r[0];
      if (k === null || typeof k !== 'object') {
        const c = prim.get(k);
        if (c === undefined && !prim.has(k)) prim.set(k, create(r[1]));
        else prim.set(k, merge(c as C, r[1]));
      } else {
        const other = (this.other ??= new KeyMap<K, C>());
        if (other.has(k)) other.set(k, merge(other.get(k) as C, r[1]));
        else other.set(k, create(r[1]));
      }
    };
  }

  result(): [K, C][] { return toPairs(this.prim, this.other); }
}
