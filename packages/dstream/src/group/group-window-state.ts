import { KeyMap } from '@kindling/core';

/**
 * One key's state of an inverse-function window (`reduceByKeyAndWindow` with `invReduce`) in
 * group mode, as committed to the log's store: whether the key is in the window's result,
 * its window value, and the per-batch reductions still inside the window (`[batch time ms,
 * value]`, oldest first) — what a new owner of the partition needs to subtract them when they
 * leave, since it never saw those batches.
 * @internal
 */
export type GroupWindowEntry<V> = readonly [present: boolean, value: V, slices: readonly (readonly [number, V])[]];

/**
 * Advances one partition's window state to the partition's batch `time`, with the batch's
 * per-key reductions `entered`, exactly as a single instance's window merge (see
 * `reduceWindowPartition`): a key in the previous result gets `invReduce` of each of its
 * slices at or before `time - windowMs` (they leave) and `reduce` of its entered value; a key
 * not in the previous result (new, or dropped by `filter`) starts from its entered value; the
 * result is then filtered (a key the filter drops is out of the result). Slices are kept per key until they leave, whether or not the key is
 * in the result, and a key with no slice left and no result is forgotten.
 *
 * ```
 *   one key, window = 3 batches of 100 ms, the partition's batch times:
 *        100    200    300   (400, 500: nobody ran them)   600
 *   ─────[3]────[1]────[2]──────────────────────────────────[4]───▶
 *   at 300: value 6, slices 100:3 200:1 300:2
 *   at 600: edge 300, so 100, 200 and 300 leave: 6 - 3 - 1 - 2 + 4 = 4, slices 600:4
 * ```
 * @internal
 */
export function advanceGroupWindow<K, V>(
  previous: readonly (readonly [K, GroupWindowEntry<V>])[],
  entered: readonly (readonly [K, V])[],
  time: number,
  windowMs: number,
  reduce: (a: V, b: V) => V,
  invReduce: (a: V, b: V) => V,
  filter: ((kv: [K, V]) => boolean) | undefined,
): [K, GroupWindowEntry<V>][] {
  const edge = time - windowMs;
  const news = new KeyMap<K, { value: V; seen: boolean }>();
  for (let i = 0; i < entered.length; i++) {
    const [k, v] = entered[i]!;
    const n = news.get(k);
    if (n === undefined) news.set(k, { value: v, seen: false });
    else n.value = reduce(n.value, v);
  }
  const state: [K, GroupWindowEntry<V>][] = [];
  const step = (k: K, present: boolean, value: V | undefined, slices: readonly (readonly [number, V])[]): void => {
    let kept = slices;
    let v = value;
    let first = 0;
    while (first < slices.length && slices[first]![0] <= edge) {
      if (present) v = invReduce(v as V, slices[first]![1]);
      first++;
    }
    if (first > 0) kept = slices.slice(first);
    const n = news.get(k);
    if (n !== undefined) {
      n.seen = true;
      v = present ? reduce(v as V, n.value) : n.value;
      present = true;
      kept = [...kept, [time, n.value] as const];
    }
    if (present && filter !== undefined && !filter([k, v as V])) present = false;
    if (present || kept.length > 0) state.push([k, [present, (present ? v : undefined) as V, kept]]);
  };
  for (let i = 0; i < previous.length; i++) {
    const [k, [present, value, slices]] = previous[i]!;
    step(k, present, value, slices);
  }
  news.forEach((n, k) => { if (!n.seen) step(k, false, undefined, []); });
  return state;
}
