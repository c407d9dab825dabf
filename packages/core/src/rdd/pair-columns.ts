import { appendOnlyMapSlotOrder, slotOrderOfSpreads } from '../util/append-only-map-order.ts';
import { hashCodeOrder } from '../util/hash-code-order.ts';
import { hashCode, murmur3HashInt, murmur3HashIntInverse } from '../util/hash-code.ts';
import { pairOf } from '../util/handed-pair.ts';
import type { KeySlots } from './combine-key-index.ts';

/**
 * A partition of `[key, value]` pairs held as two parallel arrays, the form the engine's
 * combining loops produce and read: a window re-reduced on every slide, a reduce side merging
 * map outputs, a map output bucketed by partition. Reading `keys[i]` and `values[i]` from two
 * flat arrays costs one load each, where a pair is an array object of its own (header,
 * elements store, then the key): with tens of thousands of pairs read on every slide, the
 * pair objects are what the loop waits for. An array of numbers only is stored unboxed by V8
 * (its elements kind stays "doubles" while every value put in is a number), so number values
 * need no typed array of their own.
 *
 * The pairs themselves are built only when something needs them (a user function, an action,
 * the public `RDD.compute`/`TaskContext` contract), once, and kept: {@link PairColumns.pairs}.
 * Read-only once built, as every partition.
 * @internal
 */
export class PairColumns<K = unknown, V = unknown> {
  #pairs: [K, V][] | undefined;
  /**
   * Where the keys sit in the key index of the combine that made these columns, when one did
   * (see {@link KeySlots}): bucketing by reduce partition reads each known key's partition
   * from the index instead of hashing the key again.
   */
  keySlots: KeySlots | undefined = undefined;
  /**
   * Each key's spread hash (`spreadHash`), when the producer had them without hashing the
   * keys (a map output whose keys a {@link KeySlots} index knew): the reduce side's Spark
   * order ({@link inAppendOnlyMapOrder}) then replays from them, and lets them go.
   */
  spreads: Int32Array | undefined = undefined;
  /**
   * Where the keys sit in the key index of the map-side combine they came from, handed on
   * through the reduce side's Spark order ({@link inAppendOnlyMapOrder} permutes them with
   * the keys) to the one consumer that takes them (clearing the field): a window merge finds
   * a known key's id by its slot instead of hashing the key (see `reduceWindowData`). Only
   * while the index's generation is the one recorded.
   */
  sourceSlots: KeySlots | undefined = undefined;

  constructor(
    /** The keys, distinct or not as the producer says; `keys[i]` goes with `values[i]`. */
    readonly keys: K[],
    readonly values: V[],
  ) {}

  get length(): number { return this.keys.length; }

  /** The `[key, value]` pairs in order (built on the first call, then the same array). */
  pairs(): [K, V][] {
    if (this.#pairs !== undefined) return this.#pairs;
    const keys = this.keys;
    const values = this.values;
    const n = keys.length;
    const out = new Array<[K, V]>(n);
    // Built by pairOf, not by a literal: see handed-pair.ts (a whole partition's pairs held by
    // the caller at once must not get V8 to pretenure every later pair).
    for (let i = 0; i < n; i++) out[i] = pairOf(keys[i]!, values[i]!);
    this.#pairs = out;
    return out;
  }

  /**
   * Forgets the pairs built so far (the columns stay; {@link PairColumns.pairs} builds them
   * again if asked), so that a partition kept for its columns does not keep a pair per key.
   */
  dropPairs(): void {
    this.#pairs = undefined;
  }

  /**
   * Columns whose pairs are already built (`pairs[i]` being `[keys[i], values[i]]`, as
   * made by the caller): {@link PairColumns.pairs} returns them as they are.
   */
  static withPairs<K, V>(keys: K[], values: V[], pairs: [K, V][]): PairColumns<K, V> {
    const c = new PairColumns(keys, values);
    c.#pairs = pairs;
    return c;
  }

  /** The columns of an array of `[key, value]` pairs (copied: the pairs stay as they are). */
  static of<K, V>(pairs: readonly (readonly [K, V])[]): PairColumns<K, V> {
    const n = pairs.length;
    const keys = new Array<K>(n);
    const values = new Array<V>(n);
    for (let i = 0; i < n; i++) {
      const p = pairs[i]!;
      keys[i] = p[0];
      values[i] = p[1];
    }
    const c = new PairColumns(keys, values);
    c.#pairs = pairs as [K, V][];
    return c;
  }
}

/**
 * A partition as the engine holds it: an array of records, or pairs as {@link PairColumns}.
 * @internal
 */
export type PartitionData<T = unknown> = readonly T[] | PairColumns;

/** The partition as an array of records (building the pairs of columns once). @internal */
export function recordsOf<T>(data: PartitionData<T>): readonly T[] {
  return data instanceof PairColumns ? (data.pairs() as unknown as readonly T[]) : data;
}

/** The partition as columns (copying an array of pairs into new columns). @internal */
export function columnsOf<K, V>(data: PartitionData<readonly [K, V]>): PairColumns<K, V> {
  return data instanceof PairColumns ? (data as PairColumns<K, V>) : PairColumns.of(data);
}

/**
 * The columns in the order Spark's reduce side emits them (see `appendOnlyMapOrder`);
 * the keys must be distinct. With `fromMapSideCombine`, the columns are a single map-side
 * combine's output, which Spark's reduce side reads sorted by hash code and inserts in that
 * order (see `hashCodeOrder`); otherwise they are in the order the reduce side inserted them.
 * Returns new columns (or `cols` itself below two pairs). Keys a key index knew are not
 * hashed again (see {@link knownSpreads}).
 * @internal
 */
export function inAppendOnlyMapOrder<K, V>(cols: PairColumns<K, V>, fromMapSideCombine = false): PairColumns<K, V> {
  const n = cols.length;
  const known = knownSpreads(cols);
  if (n < 2) return cols;
  const keys = cols.keys;
  const values = cols.values;
  let order: Int32Array;
  if (!fromMapSideCombine) order = known !== undefined ? slotOrderOfSpreads(n, known, -1) : appendOnlyMapSlotOrder(n, (i) => keys[i]);
  else {
    const spreads = known ?? new Int32Array(n);
    const hashes = new Int32Array(n);
    let nullEntry = -1;
    if (known !== undefined) for (let i = 0; i < n; i++) hashes[i] = murmur3HashIntInverse(known[i]!);
    else {
      for (let i = 0; i < n; i++) {
        const k = keys[i];
        if (k === null || k === undefined) nullEntry = i; // hash code 0, as Spark's comparator takes it
        else spreads[i] = murmur3HashInt((hashes[i] = hashCode(k)));
      }
    }
    order = insertedInOrder(hashCodeOrder(hashes, n), spreads, nullEntry);
  }
  const k2 = new Array<K>(n);
  const v2 = new Array<V>(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    k2[i] = keys[j]!;
    v2[i] = values[j]!;
  }
  const out = new PairColumns(k2, v2);
  const from = cols.sourceSlots;
  if (from !== undefined) {
    cols.sourceSlots = undefined;
    if (from.index.generation === from.generation && from.slots.length === n) out.sourceSlots = { index: from.index, generation: from.generation, slots: permuted(from.slots, order) };
  }
  return out;
}

/**
 * The slot order of entries `spreads` describes (see `slotOrderOfSpreads`) when they are
 * inserted in `insertion`'s order (element j being the entry inserted j-th), as indexes of
 * the entries; `nullEntry` is the index of the null key's entry, -1 if none.
 */
function insertedInOrder(insertion: Int32Array, spreads: Int32Array, nullEntry: number): Int32Array {
  const n = insertion.length;
  const inserted = new Int32Array(n);
  let nullAt = -1;
  for (let j = 0; j < n; j++) {
    const e = insertion[j]!;
    inserted[j] = spreads[e]!;
    if (e === nullEntry) nullAt = j;
  }
  const slotted = slotOrderOfSpreads(n, inserted, nullAt);
  for (let i = 0; i < n; i++) slotted[i] = insertion[slotted[i]!]!;
  return slotted;
}

/**
 * A map-side combine's output block in the order Spark's map side writes it: by the keys'
 * hash codes, equal ones in the block's order (see `hashCodeOrder`). Returns new columns
 * (or the block itself when it is already in that order). Hash codes come from the block's
 * key index (`keySlots`) when it has one, else from the keys.
 * @internal
 */
export function inHashCodeOrder(block: PartitionData): PartitionData {
  const n = block.length;
  if (n < 2) return block;
  const cols = columnsOf(block as PartitionData<readonly [unknown, unknown]>);
  const keys = cols.keys;
  const hashes = new Int32Array(n);
  const ks = cols.keySlots;
  const spreads = ks !== undefined && ks.index.generation === ks.generation && ks.slots.length === n ? new Int32Array(n) : undefined;
  if (spreads !== undefined && ks!.index.spreadsOf(ks!.slots, spreads)) for (let i = 0; i < n; i++) hashes[i] = murmur3HashIntInverse(spreads[i]!);
  else for (let i = 0; i < n; i++) hashes[i] = hashCode(keys[i]);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = hashes[i - 1]! <= hashes[i]!;
  if (sorted) return block;
  const order = hashCodeOrder(hashes, n);
  const values = cols.values;
  const k2 = new Array<unknown>(n);
  const v2 = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    k2[i] = keys[j];
    v2[i] = values[j];
  }
  return new PairColumns(k2, v2);
}

/** `slots` in `order` (element i of the result is `slots[order[i]]`). */
function permuted(slots: readonly number[], order: Int32Array): number[] {
  const n = order.length;
  const out = n < 65_536 ? new Array<number>(n) : [];
  for (let i = 0; i < n; i++) out[i] = slots[order[i]!]!;
  return out;
}

/**
 * The spread hash of every key of `cols` without hashing them, when its producer knew them:
 * `cols.spreads` (taken: they serve one ordering, a later read hashes), or else read from the
 * key index of the combine that made the columns (`cols.keySlots`, while its slots hold).
 * Undefined otherwise, or when the index holds a null or undefined key.
 */
function knownSpreads(cols: PairColumns): Int32Array | undefined {
  const n = cols.keys.length;
  const spreads = cols.spreads;
  cols.spreads = undefined;
  if (spreads !== undefined && spreads.length === n) return spreads;
  const ks = cols.keySlots;
  if (ks === undefined || ks.index.generation !== ks.generation || ks.slots.length !== n || n < 2) return undefined;
  const out = new Int32Array(n);
  return ks.index.spreadsOf(ks.slots, out) ? out : undefined;
}
