/**
 * The order a map-side combine's output reaches Spark's reduce side in. Spark's sort shuffle
 * writes a map partition whose records were combined (`reduceByKey`, `aggregateByKey`,
 * `combineByKey` with map-side combine, and everything built on them) sorted by reduce
 * partition and then by the keys' hash codes (`ExternalSorter`'s `keyComparator`, a signed
 * comparison of `hashCode()`, the null key as 0), with a stable sort over the combine map's
 * entries. The reduce side inserts the records into its `AppendOnlyMap` in that order, and
 * where keys collide in its table, who came first decides their slots: so Spark's
 * reduce-side order is the slot replay (`slotOrderOfSpreads`) of the keys inserted in
 * hash-code order, not in the order the map side first saw them.
 *
 * Returns the permutation that sorts `hashes[0..n)` ascending as signed 32-bit integers,
 * equal ones kept in index order (element j of the result is the index that comes j-th): a
 * least-significant-digit radix sort, three counting passes of 11, 11 and 10 bits, each
 * stable.
 * @internal
 */
export function hashCodeOrder(hashes: Int32Array, n: number): Int32Array {
  const order = new Int32Array(n);
  if (n < 64) {
    // Few entries: an insertion sort (stable: an entry moves only past larger hashes).
    for (let i = 0; i < n; i++) {
      const h = hashes[i]!;
      let j = i;
      while (j > 0 && hashes[order[j - 1]!]! > h) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
    return order;
  }
  // The hashes with the sign bit flipped compare as unsigned in the signed order.
  if (scratchKeys.length < n) {
    scratchKeys = new Uint32Array(Math.max(n, 2 * scratchKeys.length));
    scratchFrom = new Int32Array(scratchKeys.length);
  }
  const keys = scratchKeys;
  for (let i = 0; i < n; i++) keys[i] = (hashes[i]! ^ 0x80000000) >>> 0;
  const counts = scratchCounts;
  let from = scratchFrom;
  for (let i = 0; i < n; i++) from[i] = i;
  let to = order;
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & 0x7ff]!++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const e = from[i]!;
      to[counts[(keys[e]! >>> shift) & 0x7ff]!++] = e;
    }
    const t = from;
    from = to;
    to = t;
  }
  // Three passes: the last one wrote into `order` (swapped into `from`).
  return from;
}

// The sort's working arrays, kept from one call to the next (a call runs to its end without
// yielding, and each thread has its own): a reduce side sorts every batch.
let scratchKeys = new Uint32Array(0);
let scratchFrom = new Int32Array(0);
const scratchCounts = new Int32Array(2048);
