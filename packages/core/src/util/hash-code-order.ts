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
 * least-significant-digit radix sort on digits of 11, 11 and 10 bits, each pass stable.
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
  // The hashes with the sign bit flipped compare as unsigned in the signed order. The three
  // digits' counts are taken in one pass, then each digit's pass places the entries.
  if (scratchKeys.length < n) {
    scratchKeys = new Int32Array(Math.max(n, 2 * scratchKeys.length));
    scratchFrom = new Int32Array(scratchKeys.length);
  }
  const keys = scratchKeys;
  const counts = scratchCounts;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const k = hashes[i]! ^ 0x80000000;
    keys[i] = k;
    counts[k & 0x7ff]!++;
    counts[2048 + ((k >>> 11) & 0x7ff)]!++;
    counts[4096 + (k >>> 22)]!++;
  }
  for (let base = 0; base < 6144; base += 2048) {
    let sum = 0;
    for (let d = base; d < base + 2048; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
  }
  const middle = scratchFrom;
  for (let i = 0; i < n; i++) order[counts[keys[i]! & 0x7ff]!++] = i;
  for (let i = 0; i < n; i++) {
    const e = order[i]!;
    middle[counts[2048 + ((keys[e]! >>> 11) & 0x7ff)]!++] = e;
  }
  for (let i = 0; i < n; i++) {
    const e = middle[i]!;
    order[counts[4096 + (keys[e]! >>> 22)]!++] = e;
  }
  return order;
}

// The sort's working arrays, kept from one call to the next (a call runs to its end without
// yielding, and each thread has its own): a reduce side sorts every batch.
let scratchKeys = new Int32Array(0);
let scratchFrom = new Int32Array(0);
const scratchCounts = new Int32Array(3 * 2048);
