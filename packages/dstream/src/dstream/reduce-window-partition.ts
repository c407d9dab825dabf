import { KeyMap, PairColumns, columnsOf, pairOf, recordsOf, slotOrderOfSpreads } from '@kindling/core';
import { WindowKeyIndex, batchIdsIn, giveWindowKeyIndex, recordBatchIds, takeWindowKeyIndex } from './window-key-index.ts';
import type { PartitionData } from '@kindling/core';

/**
 * One partition of an incremental window reduce (Spark's `ReducedWindowedDStream` merge):
 *
 * ```
 *   value(t) = reduce( invReduce( value(t - slide), reduce(values that left) ),
 *                      reduce(values that entered) )
 * ```
 * Every input holds at most one value per key (each is a per-batch `reduceByKey`), so the
 * cost is O(keys in the previous window + keys in the batches that left or entered), however
 * long the window. Keys stay (at their "zero" value) unless `filter` drops them. A key that
 * left the window but was not in the previous result (a filter dropped it) takes the value
 * that entered, ordered as Spark's cogroup inserts it, at the leaving batches' turn (after
 * the previous window's keys, before the keys only the entered batches hold); one that
 * entered no new value is dropped too (Spark throws in that case).
 * @internal
 */
export function reduceWindowPartition<K, V>(
  previous: readonly (readonly [K, V])[],
  left: readonly (readonly (readonly [K, V])[])[],
  entered: readonly (readonly (readonly [K, V])[])[],
  reduce: (a: V, b: V) => V,
  invReduce: (a: V, b: V) => V,
  filter: ((kv: [K, V]) => boolean) | undefined,
): [K, V][] {
  return recordsOf(reduceWindowData(previous, left, entered, reduce, invReduce, filter)) as [K, V][];
}

/**
 * {@link reduceWindowPartition} over partitions in the engine's own form (pairs as arrays or
 * as columns, see `PairColumns`), into columns: the merge reads keys and values from flat
 * arrays and makes no pair object, except the one the user's `filter` is given per key, which
 * is then the result's record (no second pair is built when the window is collected). Keys
 * are found through the previous result's {@link WindowKeyIndex}, taken over and handed on to
 * this result.
 * @internal
 */
export function reduceWindowData<K, V>(
  previous: PartitionData,
  left: readonly PartitionData[],
  entered: readonly PartitionData[],
  reduce: (a: V, b: V) => V,
  invReduce: (a: V, b: V) => V,
  filter: ((kv: [K, V]) => boolean) | undefined,
): PairColumns<K, V> {
  // Spark cogroups the previous window with the batches that left and entered, so the keys
  // come out in its cogroup map's slot order, the previous window's keys inserted first, then
  // the new keys as the entered batches first hold them; the filter then keeps that order.
  const prev = columnsOf(previous as PartitionData<readonly [K, V]>);
  const index = (previous instanceof PairColumns ? takeWindowKeyIndex<K>(prev) : undefined) ?? WindowKeyIndex.of(prev.keys);
  // The previous window's records (its filter's pairs, or built for an action) were for its
  // own batch: the stored window keeps its columns only (a later reader builds them again,
  // as Spark's serialized storage gives every reader fresh records). Kept, they would be a
  // pair per key per remembered window, promoted to the old generation.
  if (previous instanceof PairColumns) previous.dropPairs();
  const keys = prev.keys.slice();
  const values = prev.values.slice();
  const gone = foldedBatches<K, V>(left, reduce);
  const added = foldedBatches<K, V>(entered, reduce);
  const idOf = index.idOf;
  // position -> id over the merged keys: the previous window's, then the new ones
  let idAt = index.idAt;
  const most = keys.length + (added === undefined ? 0 : added.length);
  if (idAt.length < most) idAt = grownIds(idAt, most);
  let positionOf = index.positionOf;
  const prevLength = keys.length;
  if (gone !== undefined) {
    const gk = gone.keys;
    const gv = gone.values;
    // Ids the merge that took this batch in recorded for its keys, still valid for those
    // whose id no filter has freed since: then no lookup.
    const known = batchIdsIn(gone, index);
    const genOf = index.genOf;
    let missing: number[] | undefined;
    for (let i = 0; i < gk.length; i++) {
      let id: number | undefined;
      if (known !== undefined && genOf[known[i]!] === known[gk.length + i]) id = known[i]!;
      else id = idOf.get(gk[i]!);
      if (id === undefined) {
        // Not in the previous window (a filter dropped it): Spark's cogroup inserts it now,
        // after the previous window's keys and before the entered batches' new keys.
        (missing ??= []).push(i);
        continue;
      }
      const at = positionOf[id]!;
      values[at] = invReduce(values[at]!, gv[i]!);
    }
    if (missing !== undefined) {
      // Placed as new keys, in the order the batches that left hold them; each takes the
      // value that entered (below). One that entered none is dropped after (Spark throws).
      if (idAt.length < most + missing.length) idAt = grownIds(idAt, most + missing.length);
      for (const i of missing) {
        const key = (gk[i] === 0 ? 0 : gk[i]) as K; // -0 as 0, as the map keys it
        idAt[keys.length] = index.add(key, keys.length);
        keys.push(key);
        values.push(undefined as V);
      }
      positionOf = index.positionOf; // may have grown
    }
  }
  // Positions of re-entering keys (prevLength up to here) that got a value.
  const reentered = keys.length > prevLength ? new Uint8Array(keys.length - prevLength) : undefined;
  if (added !== undefined) {
    const ak = added.keys;
    const av = added.values;
    // The ids of a lone entered batch's keys (and their generations), recorded for the
    // merge that batch leaves the window in.
    const ids = entered.indexOf(added) !== -1 ? new Int32Array(2 * ak.length) : undefined;
    // The keys' slots in the map-side key index they came from: a key whose slot has a
    // recorded id, not freed since, is found without a lookup (taken: the stored batch
    // does not keep them).
    const from = added.sourceSlots;
    added.sourceSlots = undefined;
    const slots = from !== undefined && from.index.generation === from.generation && from.slots.length === ak.length ? index.slotIdsFor(from) : undefined;
    const slotIds = index.slotIds;
    const slotGens = index.slotGens;
    let genOf = index.genOf;
    for (let i = 0; i < ak.length; i++) {
      const k = ak[i]!;
      let id: number | undefined;
      let slot = -1;
      if (slots !== undefined) {
        slot = slots[i]!;
        const known = slotIds[slot]! - 1;
        id = known >= 0 && slotGens[slot] === genOf[known] ? known : idOf.get(k);
      } else id = idOf.get(k);
      if (id !== undefined) {
        const at = positionOf[id]!;
        if (at < prevLength) values[at] = reduce(values[at]!, av[i]!);
        else {
          // A key that left while out of the previous window: the value that entered.
          values[at] = av[i]!;
          reentered![at - prevLength] = 1;
        }
      } else {
        const key = (k === 0 ? 0 : k) as K; // -0 as 0, as the map keys it
        id = index.add(key, keys.length);
        idAt[keys.length] = id;
        positionOf = index.positionOf; // may have grown
        genOf = index.genOf;
        keys.push(key);
        values.push(av[i]!);
      }
      if (slot >= 0) {
        slotIds[slot] = id + 1;
        slotGens[slot] = genOf[id]!;
      }
      if (ids !== undefined) ids[i] = id;
    }
    if (ids !== undefined) {
      const genOf = index.genOf;
      for (let i = 0; i < ak.length; i++) ids[ak.length + i] = genOf[ids[i]!]!;
      recordBatchIds(added, index, ids);
    }
  }
  if (reentered !== undefined && reentered.indexOf(0) !== -1) {
    // Keys that left while out of the previous window and entered no value: dropped.
    let to = prevLength;
    for (let at = prevLength; at < keys.length; at++) {
      const id = idAt[at]!;
      if (at - prevLength < reentered.length && reentered[at - prevLength] === 0) {
        index.remove(keys[at]!, id);
        continue;
      }
      keys[to] = keys[at]!;
      values[to] = values[at]!;
      idAt[to] = id;
      positionOf[id] = to++;
    }
    keys.length = to;
    values.length = to;
  }
  const n = keys.length;
  const spreadOf = index.spreadOf;
  const spread = new Int32Array(n);
  for (let i = 0; i < n; i++) spread[i] = spreadOf[idAt[i]!]!;
  const order = slotOrderOfSpreads(n, spread, index.nullId === -1 ? -1 : positionOf[index.nullId]!);
  // The result in that order; each key's position and id recorded for the next window.
  let outIds = index.spareIds;
  if (outIds.length < n) outIds = new Int32Array(Math.max(n, idAt.length));
  const k2 = new Array<K>(n);
  const v2 = new Array<V>(n);
  let out = 0;
  let result: PairColumns<K, V>;
  if (filter === undefined) {
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      const id = idAt[j]!;
      k2[i] = keys[j]!;
      v2[i] = values[j]!;
      positionOf[id] = i;
      outIds[i] = id;
    }
    result = new PairColumns(k2, v2);
  } else {
    // The pairs the filter keeps are the window's records as they are. Built by `pairOf`, not
    // a literal: a whole window of them lives until the next window drops them, so a scavenge
    // in between could make V8 pretenure a literal's site, and every later window's pairs
    // would go straight to the old generation (see `pairOf`).
    const kept: [K, V][] = [];
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      const id = idAt[j]!;
      const kv = pairOf<K, V>(keys[j]!, values[j]!);
      if (filter(kv)) {
        kept.push(kv);
        k2[out] = keys[j]!;
        v2[out] = values[j]!;
        positionOf[id] = out;
        outIds[out++] = id;
      } else {
        index.remove(keys[j]!, id);
      }
    }
    k2.length = out;
    v2.length = out;
    result = PairColumns.withPairs(k2, v2, kept);
  }
  index.spareIds = idAt;
  index.idAt = outIds;
  giveWindowKeyIndex(result, index);
  return result;
}

/** `ids` (position -> id) with room for `most` positions, the first ones kept. */
function grownIds(ids: Int32Array, most: number): Int32Array {
  const grown = new Int32Array(Math.max(most, 2 * ids.length));
  grown.set(ids);
  return grown;
}

/**
 * The batches' values reduced per key (oldest first), as columns: a single batch as it is
 * (it holds one value per key, being a per-batch reduce); several folded through a map, keys
 * in first-seen order. Undefined when no batch holds a key.
 */
function foldedBatches<K, V>(batches: readonly PartitionData[], reduce: (a: V, b: V) => V): PairColumns<K, V> | undefined {
  let only: PairColumns<K, V> | undefined;
  let several = false;
  for (let b = 0; b < batches.length; b++) {
    if (batches[b]!.length === 0) continue;
    if (only !== undefined) several = true;
    else only = columnsOf(batches[b] as PartitionData<readonly [K, V]>);
  }
  if (!several) return only;
  const index = new KeyMap<K, number>();
  const keys: K[] = [];
  const values: V[] = [];
  for (let b = 0; b < batches.length; b++) {
    const batch = columnsOf(batches[b] as PartitionData<readonly [K, V]>);
    const bk = batch.keys;
    const bv = batch.values;
    for (let i = 0; i < bk.length; i++) {
      const k = bk[i]!;
      const at = index.get(k);
      if (at !== undefined) values[at] = reduce(values[at]!, bv[i]!);
      else {
        index.set(k, keys.length);
        keys.push(k);
        values.push(bv[i]!);
      }
    }
  }
  return new PairColumns(keys, values);
}
