import { KeyMap, PairColumns, columnsOf, inAppendOnlyMapOrder, recordsOf } from '@kindling/core';
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
 * arrays and makes no pair object, except the one the user's `filter` is given per key.
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
  const leftByKey = foldBatches(left, reduce);
  const enteredByKey = foldBatches(entered, reduce);
  // Spark cogroups the previous window with the batches that left and entered, so the keys
  // come out in its cogroup map's slot order (previous window's keys inserted first); the
  // filter then keeps that order. An entered key merged into the previous window is deleted
  // from its map, so what stays there is the new keys, in their first-seen order.
  const prev = columnsOf(previous as PartitionData<readonly [K, V]>);
  const prevKeys = prev.keys;
  const prevValues = prev.values;
  const n = prevKeys.length;
  const keys: K[] = [];
  const values: V[] = [];
  for (let i = 0; i < n; i++) {
    const k = prevKeys[i]!;
    let v = prevValues[i] as V;
    if (leftByKey !== undefined) {
      const o = leftByKey.get(k);
      if (o !== undefined) v = invReduce(v, unwrap(o));
    }
    if (enteredByKey !== undefined) {
      const e = enteredByKey.get(k);
      if (e !== undefined) {
        v = reduce(v, unwrap(e));
        enteredByKey.delete(k);
      }
    }
    keys.push(k);
    values.push(v);
  }
  if (enteredByKey !== undefined) enteredByKey.forEach((v, k) => { keys.push(k as K); values.push(unwrap(v) as V); });
  const ordered = inAppendOnlyMapOrder(new PairColumns(keys, values));
  if (filter === undefined) return ordered;
  const kept = new PairColumns<K, V>([], []);
  const ok = ordered.keys;
  const ov = ordered.values;
  for (let i = 0; i < ok.length; i++) {
    if (filter([ok[i]!, ov[i]!])) {
      kept.keys.push(ok[i]!);
      kept.values.push(ov[i]!);
    }
  }
  return kept;
}

/** Stands for a value `undefined` in the folded maps, so that one `get` tells presence. */
const UNDEFINED: unique symbol = Symbol('undefined value');
type Stored<V> = V | typeof UNDEFINED;
const wrap = <V>(v: V): Stored<V> => (v === undefined ? UNDEFINED : v);
const unwrap = <V>(v: Stored<V>): V => (v === UNDEFINED ? (undefined as V) : (v as V));

/**
 * Reduces each key's values across batches (oldest first). Undefined when there are none.
 * Values are stored as they are (no holder object per key); the first batch, which holds at
 * most one value per key, is put in without looking its keys up.
 */
function foldBatches<K, V>(batches: readonly PartitionData[], reduce: (a: V, b: V) => V): KeyMap<K, Stored<V>> | undefined {
  let byKey: KeyMap<K, Stored<V>> | undefined;
  for (let b = 0; b < batches.length; b++) {
    const batch = columnsOf(batches[b] as PartitionData<readonly [K, V]>);
    const keys = batch.keys;
    const values = batch.values;
    const n = keys.length;
    if (n === 0) continue;
    if (byKey === undefined) {
      byKey = new KeyMap<K, Stored<V>>();
      for (let i = 0; i < n; i++) byKey.set(keys[i]!, wrap(values[i]!));
      continue;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const f = byKey.get(k);
      byKey.set(k, wrap(f === undefined ? values[i]! : reduce(unwrap(f), values[i]!)));
    }
  }
  return byKey;
}
