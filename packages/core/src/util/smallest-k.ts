import { sortedCopy, type Ordering } from './ordering.ts';

/**
 * The first `k` elements of `sortedCopy(xs, ord)`, found without sorting all of `xs`: a
 * bounded max-heap of the `k` smallest so far (as Spark's `BoundedPriorityQueue` in
 * `takeOrdered`), so an element that does not beat the heap's largest costs one comparison.
 * Ties keep their order in `xs` (the heap breaks them by index), and `undefined` lands where
 * {@link sortedCopy} puts it, so the answer is exactly the sorted prefix.
 */
export function smallestK<T>(xs: readonly T[], k: number, ord: Ordering<T>): T[] {
  if (k <= 0) return [];
  if (k >= xs.length) return sortedCopy(xs, ord);
  const vals: T[] = [];
  const idx: number[] = [];
  // a is "after" b in the stable sorted order.
  const after = (i: number, j: number): boolean => {
    const c = ord(vals[i]!, vals[j]!);
    return c > 0 || (c === 0 && idx[i]! > idx[j]!);
  };
  const swap = (i: number, j: number): void => {
    const v = vals[i]!; vals[i] = vals[j]!; vals[j] = v;
    const n = idx[i]!; idx[i] = idx[j]!; idx[j] = n;
  };
  const siftDown = (i: number): void => {
    const n = vals.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && after(r, l) ? r : l;
      if (!after(m, i)) return;
      swap(i, m);
      i = m;
    }
  };
  let undefs = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x === undefined) { undefs++; continue; }
    if (vals.length < k) {
      vals.push(x);
      idx.push(i);
      let c = vals.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!after(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (ord(x, vals[0]!) < 0) {
      // A later index never wins a tie, so only a strictly smaller element enters.
      vals[0] = x;
      idx[0] = i;
      siftDown(0);
    }
  }
  const order = vals.map((_, i) => i).sort((a, b) => ord(vals[a]!, vals[b]!) || idx[a]! - idx[b]!);
  const defined: T[] = order.map((i) => vals[i] as T);
  if (undefs === 0) return defined;
  const nones = new Array<T>(Math.min(undefs, k)).fill(undefined as T);
  const out = defined.length === 0 || ord(undefined as T, defined[0]!) <= 0 ? nones.concat(defined) : defined.concat(nones);
  return out.slice(0, k);
}
