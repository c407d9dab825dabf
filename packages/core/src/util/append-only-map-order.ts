import { hashCode, murmur3HashInt } from './hash-code.ts';

const INITIAL_CAPACITY = 64;
const LOAD_FACTOR = 0.7;

/**
 * Puts combined entries in the order Spark's reduce side emits them.
 *
 * Spark aggregates a shuffle's records (`reduceByKey`, `groupByKey`, `combineByKey`,
 * `cogroup` and the joins built on it) in an `AppendOnlyMap`, an open hash table with
 * quadratic probing that starts at 64 slots and doubles past a load of 0.7, and iterates it
 * slot by slot, the null key first. So the order of a batch's `(SELLS,..)` and `(BUYS,..)`
 * lines is not the order the keys were seen in: it is where their hash codes land. Replaying
 * the same insertions into a table of slot numbers gives the same order (exactly, for keys
 * whose hash code is Java's: strings, numbers, booleans, tuples of them).
 *
 * `entries` must hold distinct keys, in the order their keys were first inserted. Returns a
 * new array (or `entries` itself when it has fewer than two elements).
 */
export function appendOnlyMapOrder<E>(entries: readonly E[], keyOf: (e: E) => unknown): E[] {
  const n = entries.length;
  if (n < 2) return entries as E[];
  const order = appendOnlyMapSlotOrder(n, (i) => keyOf(entries[i]!));
  const out = new Array<E>(n);
  for (let i = 0; i < n; i++) out[i] = entries[order[i]!]!;
  return out;
}

/**
 * The permutation {@link appendOnlyMapOrder} applies to `n` entries whose keys `keyAt(i)`
 * gives: element j of the result is the index of the entry that comes j-th.
 * @internal
 */
export function appendOnlyMapSlotOrder(n: number, keyAt: (i: number) => unknown): Int32Array {
  const spread = new Int32Array(n);
  let capacity = INITIAL_CAPACITY;
  let mask = capacity - 1;
  let growThreshold = Math.floor(LOAD_FACTOR * capacity);
  let slots = new Int32Array(capacity).fill(-1);
  let nullEntry = -1;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const k = keyAt(i);
    if (k === null || k === undefined) {
      nullEntry = i;
    } else {
      const h = murmur3HashInt(hashCode(k));
      spread[i] = h;
      place(slots, mask, h, i);
    }
    if (++size > growThreshold) {
      // Spark re-inserts the old table's keys slot by slot into one twice the size.
      const grown = new Int32Array(capacity * 2).fill(-1);
      const grownMask = capacity * 2 - 1;
      for (let s = 0; s < capacity; s++) {
        const j = slots[s]!;
        if (j !== -1) place(grown, grownMask, spread[j]!, j);
      }
      slots = grown;
      capacity *= 2;
      mask = grownMask;
      growThreshold = Math.floor(LOAD_FACTOR * capacity);
    }
  }
  const order = new Int32Array(n);
  let o = 0;
  if (nullEntry !== -1) order[o++] = nullEntry;
  for (let s = 0; s < capacity; s++) {
    const j = slots[s]!;
    if (j !== -1) order[o++] = j;
  }
  return order;
}

/** Quadratic probing from the key's home slot (steps 1, 2, 3, ...), as Spark's. */
function place(slots: Int32Array, mask: number, spread: number, entry: number): void {
  let pos = spread & mask;
  for (let step = 1; slots[pos] !== -1; step++) pos = (pos + step) & mask;
  slots[pos] = entry;
}
