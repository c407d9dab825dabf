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
  // The keys are hashed in one pass first: the replay below then reads only small integers.
  const spread = new Int32Array(n);
  let nullEntry = -1;
  for (let i = 0; i < n; i++) {
    const k = keyAt(i);
    if (k === null || k === undefined) nullEntry = i;
    else spread[i] = spreadHash(k);
  }
  return slotOrderOfSpreads(n, spread, nullEntry);
}

/**
 * Where Spark's `AppendOnlyMap` starts probing for a (non-null) key, before masking: its hash
 * code spread by murmur3. A caller that keeps it per key can replay orders without hashing
 * the keys again ({@link slotOrderOfSpreads}).
 * @internal
 */
export function spreadHash(key: unknown): number {
  return murmur3HashInt(hashCode(key));
}

/**
 * {@link appendOnlyMapSlotOrder} from the keys' {@link spreadHash}es, `nullEntry` being the
 * index of the null (or undefined) key, -1 if none (its `spread` element is not read).
 * @internal
 */
export function slotOrderOfSpreads(n: number, spread: Int32Array, nullEntry: number): Int32Array {
  // A slot holds its entry's index + 1, so that a fresh (zeroed) table is empty as it is.
  let capacity = INITIAL_CAPACITY;
  let mask = capacity - 1;
  let growThreshold = Math.floor(LOAD_FACTOR * capacity);
  let slots = new Int32Array(capacity);
  // The highest slot in use: the table's entries are listed up to it (see listSlots).
  let last = -1;
  // The result, and meanwhile the table's entries in slot order at each growth.
  const order = new Int32Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (i !== nullEntry) {
      // Quadratic probing from the key's home slot (steps 1, 2, 3, ...), as Spark's.
      let pos = spread[i]! & mask;
      for (let step = 1; slots[pos] !== 0; step++) pos = (pos + step) & mask;
      slots[pos] = i + 1;
      if (pos > last) last = pos;
    }
    if (++size > growThreshold) {
      // Spark re-inserts the old table's keys slot by slot into one twice the size: listed
      // in slot order first, then inserted.
      const listed = listSlots(slots, last, order, 0, 0);
      const grownCapacity = capacity * 2;
      const grownMask = grownCapacity - 1;
      const grown = new Int32Array(grownCapacity);
      last = -1;
      for (let q = 0; q < listed; q++) {
        const e = order[q]!;
        let pos = spread[e - 1]! & grownMask;
        for (let step = 1; grown[pos] !== 0; step++) pos = (pos + step) & grownMask;
        grown[pos] = e;
        if (pos > last) last = pos;
      }
      slots = grown;
      capacity = grownCapacity;
      mask = grownMask;
      growThreshold = Math.floor(LOAD_FACTOR * capacity);
    }
  }
  let o = 0;
  if (nullEntry !== -1) order[o++] = nullEntry;
  listSlots(slots, last, order, o, 1);
  return order;
}

/**
 * Writes the entries of `slots[0..last]` (entry index + 1; 0 for an empty slot), in slot
 * order and less `minus`, into `out` from `at` on; returns where they end. `last` must be the
 * highest slot in use (or -1), so that no write lands past the entries. Each slot is written at
 * the end and the end advanced by 1 or 0 arithmetically: whether a slot of a hash table is
 * empty is a coin toss the CPU cannot predict, and a branch on it mispredicts about every
 * other slot.
 */
function listSlots(slots: Int32Array, last: number, out: Int32Array, at: number, minus: number): number {
  let o = at;
  for (let s = 0; s <= last; s++) {
    const e = slots[s]!;
    out[o] = e - minus;
    // (e | -e) has its sign bit set exactly when e > 0 (entries are positive).
    o += (e | -e) >>> 31;
  }
  return o;
}
