/**
 * One key's state inside a {@link StateMap}: the user's state and the batch time (ms) at which
 * it was last written, which is what idle timeouts are measured from (`NaN` in maps that do
 * not track update times).
 */
export interface StateEntry<K, S> {
  readonly key: K;
  readonly state: S;
  readonly updateTime: number;
}

/**
 * The keyed state of one partition of a stateful stream, for one batch.
 *
 * Versions are immutable once superseded: `copy()` hands out the next version and freezes this
 * one, so computing batch t+1 never changes what batch t's state RDD holds, and re-running a
 * batch from its lineage gives the same answer. A version costs O(keys written in it), never
 * O(total state).
 *
 * Keys are compared by value (API.md "Values, tuples, keys").
 * @internal
 */
export interface StateMap<K, S> {
  /** Number of keys with state. */
  readonly size: number;
  get(key: K): S | undefined;
  has(key: K): boolean;
  /** The entry for `key` (state and last update time), or undefined when it has no state. */
  getEntry(key: K): StateEntry<K, S> | undefined;
  /** Every entry, in no particular order. */
  entries(): IterableIterator<StateEntry<K, S>>;
  /** Calls `f` on every entry, in no particular order (faster than `entries()`, no allocation). */
  forEach(f: (key: K, state: S, updateTime: number) => void): void;
  put(key: K, state: S, updateTime: number): void;
  remove(key: K): void;
  /**
   * Removes and returns the entries last written strictly before `threshold` (ms): the keys
   * whose idle timeout has expired. Only maps created with `trackUpdateTimes` answer this;
   * the cost is O(entries written in the expired batches), not O(total state).
   */
  removeIdle(threshold: number): StateEntry<K, S>[];
  /** The next version: starts equal to this one, which becomes read-only. */
  copy(): StateMap<K, S>;
}
