import { KeyMap, appendOnlyMapOrder } from '@kindling/core';

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
  const leftByKey = foldBatches(left, reduce);
  const enteredByKey = foldBatches(entered, reduce);
  // Spark cogroups the previous window with the batches that left and entered, so the keys
  // come out in its cogroup map's slot order (previous window's keys inserted first); the
  // filter then keeps that order. A key of the previous window that neither left nor entered
  // keeps its pair (partitions and their pairs are read-only), and an entered key merged into
  // the previous window is deleted from its map, so what stays there is the new keys, in
  // their first-seen order.
  const merged: (readonly [K, V])[] = new Array(previous.length);
  for (let i = 0; i < previous.length; i++) {
    const pair = previous[i]!;
    const k = pair[0];
    let v = pair[1];
    let changed = false;
    if (leftByKey !== undefined) {
      const o = leftByKey.get(k);
      if (o !== undefined) {
        v = invReduce(v, unwrap(o));
        changed = true;
      }
    }
    if (enteredByKey !== undefined) {
      const n = enteredByKey.get(k);
      if (n !== undefined) {
        v = reduce(v, unwrap(n));
        changed = true;
        enteredByKey.delete(k);
      }
    }
    merged[i] = changed ? [k, v] : pair;
  }
  if (enteredByKey !== undefined) enteredByKey.forEach((v, k) => { merged.push([k, unwrap(v)]); });
  const ordered = appendOnlyMapOrder(merged, (kv) => kv[0]) as [K, V][];
  return filter === undefined ? ordered : ordered.filter(filter);
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
function foldBatches<K, V>(batches: readonly (readonly (readonly [K, V])[])[], reduce: (a: V, b: V) => V): KeyMap<K, Stored<V>> | undefined {
  let byKey: KeyMap<K, Stored<V>> | undefined;
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]!;
    if (batch.length === 0) continue;
    if (byKey === undefined) {
      byKey = new KeyMap<K, Stored<V>>();
      for (let i = 0; i < batch.length; i++) byKey.set(batch[i]![0], wrap(batch[i]![1]));
      continue;
    }
    for (let i = 0; i < batch.length; i++) {
      const kv = batch[i]!;
      const f = byKey.get(kv[0]);
      byKey.set(kv[0], wrap(f === undefined ? kv[1] : reduce(unwrap(f), kv[1])));
    }
  }
  return byKey;
}
