import { KeyMap } from '@kindling/core';

/**
 * One key's state of an inverse-function window (`reduceByKeyAndWindow` with `invReduce`) in
 * group mode, as committed to the log's store: whether the key is in the window's result,
 * its window value, and the per-batch reductions still inside the window (`[batch time ms,
 * value]`, oldest first) — what a new owner of the partition needs to subtract them when they
 * leave, since it never saw those batches. A window sliding slower than the batches adds, between
 * two slide times, the per-batch reductions not yet in `value` (`pending`, oldest first; absent
 * when empty, so that a window sliding every batch keeps the three-element form).
 * @internal
 */
export type GroupWindowEntry<V> =
  | readonly [present: boolean, value: V, slices: readonly (readonly [number, V])[]]
  | readonly [present: boolean, value: V, slices: readonly (readonly [number, V])[], pending: readonly (readonly [number, V])[]];

/**
 * Advances one partition's window state to the partition's batch `time`, with the batch's
 * per-key reductions `entered`, exactly as a single instance's window merge (see
 * `reduceWindowPartition`): a key in the previous result gets `invReduce` of each of its
 * slices at or before `time - windowMs` (they leave) and `reduce` of its entered value; a key
 * not in the previous result (new, or dropped by `filter`) starts from its entered value; the
 * result is then filtered (a key the filter drops is out of the result). Slices are kept per key until they leave, whether or not the key is
 * in the result, and a key with no slice left and no result is forgotten.
 *
 * A window sliding slower than the batches advances at every batch of the partition too (so
 * that its state is committed with each of them), but only a batch at a slide time
 * (`onSlide`) changes the result: between two, the batch's reduction is kept as pending; at a
 * slide time the slices that left are subtracted, then the pending reductions still inside
 * the window and the batch's are added, in time order, and the filter applies, as the
 * single-instance merge from the previous slide time's window (pending reductions that left
 * the window before being added are dropped).
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
  onSlide = true,
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
  // Between two slide times: the batch's reduction waits in `pending` (those already out of every later window are dropped).
  const wait = (k: K, present: boolean, value: V, slices: readonly (readonly [number, V])[], pending: readonly (readonly [number, V])[]): void => {
    let p = pending;
    let first = 0;
    while (first < p.length && p[first]![0] <= edge) first++;
    if (first > 0) p = p.slice(first);
    const n = news.get(k);
    if (n !== undefined) {
      n.seen = true;
      p = [...p, [time, n.value] as const];
    }
    if (present || slices.length > 0 || p.length > 0) state.push([k, p.length === 0 ? [present, value, slices] : [present, value, slices, p]]);
  };
  // At a slide time: what left the window is subtracted, what entered since the last slide time (pending, then this batch) added.
  const step = (k: K, present: boolean, value: V | undefined, slices: readonly (readonly [number, V])[], pending: readonly (readonly [number, V])[]): void => {
    let kept = slices;
    let v = value;
    let first = 0;
    while (first < slices.length && slices[first]![0] <= edge) {
      if (present) v = invReduce(v as V, slices[first]![1]);
      first++;
    }
    if (first > 0) kept = slices.slice(first);
    for (let i = 0; i < pending.length; i++) {
      const [t, pv] = pending[i]!;
      if (t <= edge) continue;
      v = present ? reduce(v as V, pv) : pv;
      present = true;
      kept = [...kept, pending[i]!];
    }
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
  const none: readonly (readonly [number, V])[] = [];
  for (let i = 0; i < previous.length; i++) {
    const [k, e] = previous[i]!;
    if (onSlide) step(k, e[0], e[1], e[2], e[3] ?? none);
    else wait(k, e[0], e[1], e[2], e[3] ?? none);
  }
  news.forEach((n, k) => {
    if (n.seen) return;
    if (onSlide) step(k, false, undefined, none, none);
    else wait(k, false, undefined as V, none, none);
  });
  return state;
}
