import { spreadHash } from '../util/append-only-map-order.ts';

let nextIndexId = 0;

/**
 * The primitive keys a combine saw in earlier calls, each with a slot, kept from one call to
 * the next (a stream's next batch combines mostly the same keys): a call marks the slots it
 * sees and takes their keys in first-seen order, so its output, and its calls of the user's
 * functions, are those of a fresh map. It saves what a fresh map costs per batch: growing a
 * map of every key from empty (the allocations and the re-hashing of each doubling), and
 * keeping the batch's own copies of the keys alive in the output (the index's older copies
 * are output instead, so the young ones die young and the scavenger does not copy them).
 * Rebuilt when it grows past four times a call's keys plus 4,096 (or 65,536 keys), so it holds
 * a bounded recent vocabulary. The compiled combine (compiled-combine.ts) runs its loop over
 * one of its own, or over one its caller keeps (a window's fold over its older batches, one
 * call spanning the fold and the task that finishes it).
 * @internal
 */
export class CombineKeyIndex {
  /** Tells this thread's indexes apart (a peer's key tables are kept per index: see exchange-key-dictionary.ts). */
  readonly id = nextIndexId++;
  // The fields are read and written by the compiled combine's generated loop too (one loop per
  // aggregator over these arrays: see compiled-combine.ts); nothing else touches them.
  /** Each primitive key's slot. */
  index = new Map<unknown, number>();
  /** The key of each slot (the first copy seen). */
  keys: unknown[] = [];
  /** The call that last saw each slot's key. */
  seenIn: number[] = [];
  /** Each slot's combiner during the call that saw it. */
  held: unknown[] = [];
  /** The number of the current (or last) call. */
  calls = 0;
  /** The current call's slots in first-seen order. */
  order: number[] = [];
  /** Bumped by each rebuild: slots handed out before it ({@link KeySlots}) no longer hold. */
  generation = 0;
  private busy = false;
  /** Each slot's hash partition among {@link partsOf} partitions (-1 or past the end: not computed yet). */
  private parts: number[] = [];
  private partsOf = 0;
  /** Each slot's {@link spreadHash}, for the slots below {@link spreadCount}. */
  private spreads = new Int32Array(0);
  private spreadCount = 0;
  /** Whether a slot below {@link spreadCount} holds `null` or `undefined` (which have no spread hash). */
  private nullish = false;

  /** Starts a call; `undefined` while another call runs (the caller then uses a map of its own). */
  begin(): CombineKeyIndex | undefined {
    if (this.busy) return undefined;
    this.busy = true;
    if (this.calls === 1_073_741_823) this.rebuild();
    this.calls++;
    this.order = [];
    return this;
  }

  /** Adds combiner `c` of primitive key `k` to this call's (merged with `merge` when the call saw `k`). */
  add(k: unknown, c: unknown, merge: (a: unknown, b: unknown) => unknown): void {
    let s = this.index.get(k);
    if (s === undefined) {
      s = this.keys.length;
      this.index.set(k, s);
      this.keys.push(k === 0 ? 0 : k);
      this.seenIn.push(0);
      this.held.push(undefined);
    }
    if (this.seenIn[s] === this.calls) this.held[s] = merge(this.held[s], c);
    else {
      this.seenIn[s] = this.calls;
      this.order.push(s);
      this.held[s] = c;
    }
  }

  /**
   * Ends the call: its keys in first-seen order and their combiners (which the index lets go).
   * Also the way to abandon a call (a user function failed, or its result is not wanted).
   */
  end(): { keys: unknown[]; values: unknown[]; slots: KeySlots | undefined } {
    const order = this.order;
    const n = order.length;
    const keys = n < 65_536 ? new Array<unknown>(n) : [];
    const values = n < 65_536 ? new Array<unknown>(n) : [];
    for (let i = 0; i < n; i++) {
      const s = order[i]!;
      keys[i] = this.keys[s];
      values[i] = this.held[s];
      this.held[s] = undefined;
    }
    const slots: KeySlots | undefined = this.close(n) ? { index: this, generation: this.generation, slots: order } : undefined;
    return { keys, values, slots };
  }

  /**
   * The hash partition of each slot's key among `numPartitions` partitions, as far as computed
   * (an element -1, or past the end, is not computed yet; the caller fills it in): a key the
   * index keeps from batch to batch is hashed to its reduce partition once, not once a batch.
   * Asked for another partition count, it starts afresh.
   */
  hashPartitions(numPartitions: number): number[] {
    if (this.partsOf !== numPartitions) {
      this.parts = [];
      this.partsOf = numPartitions;
    }
    return this.parts;
  }

  /**
   * Spark's reduce-side spread hash ({@link spreadHash}) of the keys in `slots` (slots of this
   * index, in the generation the caller checked), written to `out[i]` for slot `slots[i]`:
   * each slot's key is hashed once over the index's life, not once a batch. Returns false
   * (and writes nothing) when the index holds `null` or `undefined`, which Spark's map keeps
   * apart (the caller then hashes the keys itself).
   */
  spreadsOf(slots: readonly number[], out: Int32Array): boolean {
    const size = this.keys.length;
    if (this.spreadCount < size) {
      if (this.spreads.length < size) {
        const grown = new Int32Array(Math.max(size, 2 * this.spreads.length));
        grown.set(this.spreads.subarray(0, this.spreadCount));
        this.spreads = grown;
      }
      const spreads = this.spreads;
      const keys = this.keys;
      for (let s = this.spreadCount; s < size; s++) {
        const k = keys[s];
        if (k === null || k === undefined) this.nullish = true;
        else spreads[s] = spreadHash(k);
      }
      this.spreadCount = size;
    }
    if (this.nullish) return false;
    const spreads = this.spreads;
    for (let i = 0; i < slots.length; i++) out[i] = spreads[slots[i]!]!;
    return true;
  }

  /**
   * The current call's keys in first-seen order and their combiners so far, the call staying
   * open (it may go on over more records); `primitive` tells whether every combiner is a
   * primitive value, which no user function can change afterwards.
   */
  peek(): { keys: unknown[]; values: unknown[]; primitive: boolean } {
    const order = this.order;
    const n = order.length;
    const keys = n < 65_536 ? new Array<unknown>(n) : [];
    const values = n < 65_536 ? new Array<unknown>(n) : [];
    let primitive = true;
    for (let i = 0; i < n; i++) {
      const s = order[i]!;
      const c = this.held[s];
      keys[i] = this.keys[s];
      values[i] = c;
      if (c !== null && (typeof c === 'object' || typeof c === 'function')) primitive = false;
    }
    return { keys, values, primitive };
  }

  /** Ends the call without building its result (a fold given up, or whose result was taken by {@link peek}). */
  abandon(): void {
    const order = this.order;
    letGo(this.held, order);
    this.close(order.length);
  }

  /**
   * Ends the current call of `n` keys (their combiners already let go): rebuilds the index
   * when it holds far more keys than calls use, and says whether its slots still hold.
   */
  private close(n: number): boolean {
    this.order = [];
    this.busy = false;
    if (this.index.size > 65_536 || this.index.size > 4 * n + 4_096) {
      this.rebuild();
      return false;
    }
    return true;
  }

  private rebuild(): void {
    this.index = new Map();
    this.keys = [];
    this.seenIn = [];
    this.held = [];
    this.parts = [];
    this.spreads = new Int32Array(0);
    this.spreadCount = 0;
    this.nullish = false;
    this.calls = 0;
    this.generation++;
  }
}

/**
 * Lets go of the combiners of `slots` (a call's keys). A loop of its own, not inline in
 * {@link CombineKeyIndex.abandon}: a loop over a whole vocabulary is optimized on stack (OSR)
 * during its first run, before the code after it ever ran, and V8 keeps that code for the
 * function's later calls, so each later call left it at the first statement after the loop
 * ("insufficient type feedback"), ten times a context of a windowed WordCount. Here nothing
 * follows the loop.
 */
function letGo(held: unknown[], slots: readonly number[]): void {
  for (let i = 0; i < slots.length; i++) held[slots[i]!] = undefined;
}

/**
 * Where the first `slots.length` keys of a combine's output sit in the key index that
 * combined them (`slots[i]` is key i's slot), while `index.generation` is still `generation`:
 * what the index keeps per slot (a key's reduce partition) can then be read instead of being
 * computed from the key again.
 * @internal
 */
export interface KeySlots {
  readonly index: CombineKeyIndex;
  readonly generation: number;
  readonly slots: readonly number[];
}
