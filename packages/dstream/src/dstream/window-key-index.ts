import { KeyMap, spreadHash } from '@kindling/core';
import type { KeySlots, PairColumns } from '@kindling/core';

/**
 * Where each key of an incremental window's result is, handed from one window to the next so
 * that the next merge ({@link reduceWindowData}) looks the keys of the batches that left and
 * entered up in it instead of indexing the previous window's keys again. Building a map of a
 * whole window on every slide is what the merge cost before: tens of thousands of inserts
 * into a fresh table large enough to be allocated in the old generation, every batch.
 *
 * Each key has an id for as long as it stays in the window; per id, its position in the
 * columns the index describes and its spread hash code (`spreadHash`, so that the slot-order
 * replay does not hash the window's keys again). An index belongs to one result at a time:
 * the merge of the next window takes it over ({@link takeWindowKeyIndex}), updates it, and
 * hands it to its own result. A result whose index was taken, or never had one (restored from
 * a checkpoint, received from another thread), gets a fresh one built from its keys.
 * @internal
 */
export class WindowKeyIndex<K> {
  /** key -> id */
  readonly idOf = new KeyMap<K, number>();
  /** id -> position of the key in the columns described */
  positionOf: Int32Array;
  /** id -> the key's spread hash code */
  spreadOf: Int32Array;
  /** id -> how many times the id was freed: an id recorded with an older count names another key now */
  genOf: Int32Array;
  /** position -> id, for the columns described (its length may exceed theirs) */
  idAt: Int32Array;
  /** Room for the next merge's position -> id (the merge reads `idAt` while it writes this). */
  spareIds: Int32Array;
  /** The id of the null (or undefined) key, -1 when the window has none. */
  nullId = -1;
  /**
   * Slot (in the key index of the map-side combine the entered batches come from, see
   * `PairColumns.sourceSlots`) -> id + 1 of that slot's key, 0 when none is recorded: a merge
   * finds an entered key's id by its slot, two array reads, where a lookup in {@link idOf}
   * hashes the key and reads a table spread over memory. Valid for one key index and
   * generation ({@link slotIdsFor}), and for an id only while its generation is the one
   * recorded in {@link slotGens}.
   */
  slotIds = new Int32Array(0);
  /** Slot -> the generation ({@link genOf}) of the id recorded in {@link slotIds}. */
  slotGens = new Int32Array(0);
  private slotSource: KeySlots['index'] | undefined;
  private slotGeneration = -1;
  private readonly freeIds: number[] = [];
  private nextId = 0;

  private constructor(capacity: number) {
    this.positionOf = new Int32Array(capacity);
    this.spreadOf = new Int32Array(capacity);
    this.genOf = new Int32Array(capacity);
    this.idAt = new Int32Array(capacity);
    this.spareIds = new Int32Array(capacity);
  }

  /** An index of `keys` (distinct), key i at position i. */
  static of<K>(keys: readonly K[]): WindowKeyIndex<K> {
    const index = new WindowKeyIndex<K>(Math.max(16, keys.length));
    for (let i = 0; i < keys.length; i++) index.idAt[i] = index.add(keys[i]!, i);
    return index;
  }

  /** Gives `key` (absent) an id, at `position`; returns the id. */
  add(key: K, position: number): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      id = this.nextId++;
      if (id >= this.positionOf.length) {
        this.positionOf = grown(this.positionOf, id);
        this.spreadOf = grown(this.spreadOf, id);
        this.genOf = grown(this.genOf, id);
      }
    }
    this.idOf.set(key, id);
    this.positionOf[id] = position;
    if (key === null || key === undefined) this.nullId = id;
    else this.spreadOf[id] = spreadHash(key);
    return id;
  }

  /**
   * Readies {@link slotIds} and {@link slotGens} for the slots `from` names (forgetting what
   * they held for another key index or an older generation of it); returns the slots.
   */
  slotIdsFor(from: KeySlots): readonly number[] {
    if (from.index !== this.slotSource || from.generation !== this.slotGeneration) {
      this.slotSource = from.index;
      this.slotGeneration = from.generation;
      this.slotIds = new Int32Array(0);
      this.slotGens = new Int32Array(0);
    }
    // Every slot handed out so far is below the index's key count.
    const size = from.index.keys.length;
    if (this.slotIds.length < size) {
      const capacity = Math.max(size, 2 * this.slotIds.length);
      const ids = new Int32Array(capacity);
      ids.set(this.slotIds);
      const gens = new Int32Array(capacity);
      gens.set(this.slotGens);
      this.slotIds = ids;
      this.slotGens = gens;
    }
    return from.slots;
  }

  /** Forgets `key`, whose id is `id` (a filter dropped it). */
  remove(key: K, id: number): void {
    this.idOf.delete(key);
    if (id === this.nullId) this.nullId = -1;
    this.genOf[id]!++;
    this.freeIds.push(id);
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(2 * a.length, atLeast + 1));
  b.set(a);
  return b;
}

const indexes = new WeakMap<PairColumns, WindowKeyIndex<unknown>>();

/** Hands `index`, which now describes `result`, to the merge that takes `result` as its previous window. @internal */
export function giveWindowKeyIndex<K>(result: PairColumns<K, unknown>, index: WindowKeyIndex<K>): void {
  indexes.set(result as PairColumns, index as WindowKeyIndex<unknown>);
}

/** The index describing `previous`, taken over (a second call gets undefined), or undefined. @internal */
export function takeWindowKeyIndex<K>(previous: PairColumns<K, unknown>): WindowKeyIndex<K> | undefined {
  const index = indexes.get(previous as PairColumns);
  if (index !== undefined) indexes.delete(previous as PairColumns);
  return index as WindowKeyIndex<K> | undefined;
}

/** The ids a merge recorded for a batch's keys: which index they belong to, ids then generations. */
interface BatchIds {
  index: WindowKeyIndex<unknown>;
  ids: Int32Array;
}

const batchIds = new WeakMap<PairColumns, BatchIds>();

/**
 * Records, for the batch `batch` that entered a window, each key's id in `index` (`ids[i]`
 * for `batch.keys[i]`) followed by the id's generation then (`ids[n + i]`), so that the
 * merge the batch leaves the window in finds its keys without looking them up. @internal
 */
export function recordBatchIds<K>(batch: PairColumns<K, unknown>, index: WindowKeyIndex<K>, ids: Int32Array): void {
  batchIds.set(batch as PairColumns, { index: index as WindowKeyIndex<unknown>, ids });
}

/**
 * What {@link recordBatchIds} recorded for `batch` in `index` (ids, then generations), or
 * undefined: none recorded, or in another index (a window rebuilt from its keys, another
 * window). An id is still the key's only while its generation is the recorded one. @internal
 */
export function batchIdsIn<K>(batch: PairColumns<K, unknown>, index: WindowKeyIndex<K>): Int32Array | undefined {
  const r = batchIds.get(batch as PairColumns);
  return r !== undefined && r.index === index && r.ids.length === 2 * batch.length ? r.ids : undefined;
}
