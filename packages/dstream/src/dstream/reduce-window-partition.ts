import { KeyMap, PairColumns, columnsOf, recordsOf, slotOrderOfSpreads } from '@kindling/core';
import { WindowKeyIndex, giveWindowKeyIndex, takeWindowKeyIndex } from './window-key-index.ts';
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
 * left the window but was not in the previous result (a filter dropped it) and entered no
 * new value is dropped too; Spark throws in that case.
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
  if (idAt.length < most) {
    idAt = new Int32Array(Math.max(most, 2 * idAt.length));
    idAt.set(index.idAt.subarray(0, keys.length));
  }
  let positionOf = index.positionOf;
  if (gone !== undefined) {
    const gk = gone.keys;
    const gv = gone.values;
    for (let i = 0; i < gk.length; i++) {
      // A key not in the previous window (a filter dropped it) has nothing to take from.
      const id = idOf.get(gk[i]!);
      if (id === undefined) continue;
      const at = positionOf[id]!;
      values[at] = invReduce(values[at]!, gv[i]!);
    }
  }
  if (added !== undefined) {
    const ak = added.keys;
    const av = added.values;
    for (let i = 0; i < ak.length; i++) {
      const k = ak[i]!;
      const id = idOf.get(k);
      if (id !== undefined) {
        const at = positionOf[id]!;
        values[at] = reduce(values[at]!, av[i]!);
      } else {
        const key = (k === 0 ? 0 : k) as K; // -0 as 0, as the map keys it
        idAt[keys.length] = index.add(key, keys.length);
        positionOf = index.positionOf; // may have grown
        keys.push(key);
        values.push(av[i]!);
      }
    }
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
    // The pairs the filter keeps are the window's records as they are.
    const kept: [K, V][] = [];
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      const id = idAt[j]!;
      const kv: [K, V] = [keys[j]!, values[j]!];
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
