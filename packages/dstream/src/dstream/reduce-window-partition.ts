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
  // filter then keeps that order.
  const merged: [K, V][] = [];
  for (let i = 0; i < previous.length; i++) {
    const k = previous[i]![0];
    let v = previous[i]![1];
    if (leftByKey !== undefined) {
      const o = leftByKey.get(k);
      if (o !== undefined) v = invReduce(v, o.value);
    }
    if (enteredByKey !== undefined) {
      const n = enteredByKey.get(k);
      if (n !== undefined) {
        v = reduce(v, n.value);
        n.seen = true;
      }
    }
    merged.push([k, v]);
  }
  if (enteredByKey !== undefined) {
    enteredByKey.forEach((n, k) => {
      if (!n.seen) merged.push([k, n.value]);
    });
  }
  const ordered = appendOnlyMapOrder(merged, (kv) => kv[0]);
  return filter === undefined ? ordered : ordered.filter(filter);
}

interface Folded<V> { value: V; seen: boolean }

/** Reduces each key's values across batches (oldest first). Undefined when there are none. */
function foldBatches<K, V>(batches: readonly (readonly (readonly [K, V])[])[], reduce: (a: V, b: V) => V): KeyMap<K, Folded<V>> | undefined {
  let byKey: KeyMap<K, Folded<V>> | undefined;
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]!;
    if (batch.length === 0) continue;
    byKey ??= new KeyMap<K, Folded<V>>();
    for (let i = 0; i < batch.length; i++) {
      const [k, v] = batch[i]!;
      const f = byKey.get(k);
      if (f === undefined) byKey.set(k, { value: v, seen: false });
      else f.value = reduce(f.value, v);
    }
  }
  return byKey;
}
