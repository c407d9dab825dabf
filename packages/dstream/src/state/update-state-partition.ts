import { appendOnlyMapOrder, KeyMap } from '@kindling/core';
import type { Time } from '@kindling/core';

/** A row handed to the one-parameter `updateStateByKey` function: key, new values, old state. */
export type StateUpdateRow<K, V, S> = [K, V[], S | undefined];

/**
 * The normalised update: every form of `updateStateByKey` becomes this. `keysMayRepeat` is set
 * for the rows form, whose function may return a key more than once.
 * @internal
 */
export type PartitionStateUpdate<K, V, S> = ((rows: StateUpdateRow<K, V, S>[], time: Time) => Iterable<[K, S]>) & { readonly keysMayRepeat?: boolean };

/**
 * Normalises the user's `updateStateByKey` function by its arity (API.md "State"):
 * `(values, state)`, `(time, key, values, state)` or `(rows)`. For the first two, a result of
 * `undefined` or `null` removes the key.
 * @internal
 */
export function toPartitionStateUpdate<K, V, S>(fn: (...args: never[]) => unknown, where: string): PartitionStateUpdate<K, V, S> {
  switch (fn.length) {
    case 2: {
      const f = fn as unknown as (values: V[], state: S | undefined) => S | undefined | null;
      return (rows) => {
        const out: [K, S][] = [];
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const s = f(r[1], r[2]);
          if (s !== undefined && s !== null) out.push([r[0], s]);
        }
        return out;
      };
    }
    case 4: {
      const f = fn as unknown as (time: Time, key: K, values: V[], state: S | undefined) => S | undefined | null;
      return (rows, time) => {
        const out: [K, S][] = [];
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          const s = f(time, r[0], r[1], r[2]);
          if (s !== undefined && s !== null) out.push([r[0], s]);
        }
        return out;
      };
    }
    case 1: {
      const f = fn as unknown as (rows: Iterable<StateUpdateRow<K, V, S>>) => Iterable<[K, S]>;
      const update = (rows: StateUpdateRow<K, V, S>[]): Iterable<[K, S]> => {
        const out = f(rows);
        if (out === undefined || out === null || typeof (out as Iterable<unknown>)[Symbol.iterator] !== 'function') {
          throw new TypeError(`${where}: the one-parameter update function must return an Iterable of [key, state] pairs, got ${String(out)}`);
        }
        return out;
      };
      return Object.assign(update, { keysMayRepeat: true });
    }
    default:
      throw new TypeError(
        `${where}: updateStateByKey needs a function of 2 parameters (values, state), 4 (time, key, values, state) ` +
          `or 1 (rows); this one declares ${fn.length}. Parameters with default values and rest parameters do not count: declare them plainly.`,
      );
  }
}

/**
 * One partition of the next state: every key that has state or new values gets one row; keys
 * without new values get `[]`. The rows come in Spark's order: it computes the next state from
 * `parent.cogroup(prevState)`, whose map takes the batch's keys first (in data order), then
 * the state's, and is read slot by slot (see `appendOnlyMapOrder`). Neither input array is
 * modified.
 *
 * `dedupePrevious`: the previous state may hold a key twice (an initial RDD, or the rows form's
 * output); only its first state counts, as Spark's cogroup of the state with the batch keeps
 * one row per key and takes the first state (`headOption`).
 * @internal
 */
export function updateStatePartition<K, V, S>(
  prevState: readonly (readonly [K, S])[],
  grouped: readonly (readonly [K, V[]])[],
  update: PartitionStateUpdate<K, V, S>,
  time: Time,
  dedupePrevious = false,
): [K, S][] {
  const rows: StateUpdateRow<K, V, S>[] = [];
  let rowOfNewKey: KeyMap<K, StateUpdateRow<K, V, S>> | undefined;
  if (grouped.length > 0) {
    rowOfNewKey = new KeyMap<K, StateUpdateRow<K, V, S>>();
    for (let i = 0; i < grouped.length; i++) {
      const row: StateUpdateRow<K, V, S> = [grouped[i]![0], grouped[i]![1], undefined];
      rowOfNewKey.set(row[0], row);
      rows.push(row);
    }
  }
  const seen = dedupePrevious ? new KeyMap<K, true>() : undefined;
  for (let i = 0; i < prevState.length; i++) {
    const [k, s] = prevState[i]!;
    if (seen !== undefined) {
      if (seen.has(k)) continue;
      seen.set(k, true);
    }
    const row = rowOfNewKey?.get(k);
    if (row !== undefined) row[2] = s;
    else rows.push([k, [], s]);
  }
  const ordered = appendOnlyMapOrder(rows, (r) => r[0]);
  const out = update(ordered, time);
  return Array.isArray(out) ? (out as [K, S][]) : [...out];
}
