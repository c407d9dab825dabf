import type { Time } from '@kindling/core';
import type { StateEntry, StateMap } from './state-map.ts';
import { ImmutableStateMap } from './immutable-state-map.ts';
import { StateImpl } from './state.ts';

/**
 * The single element of each partition of a `mapWithState` state RDD: that partition's keyed
 * state after the batch, and what the mapping function returned during it.
 * @internal
 */
export interface MapWithStateRecord<K, S, M> {
  readonly stateMap: StateMap<K, S>;
  readonly mappedData: M[];
}

/**
 * A state map as stored in a checkpoint file: keys and states side by side, update times only
 * when they are tracked (timeouts). Columns keep a million-key state to two flat arrays.
 */
interface StoredState<K, S> {
  keys: K[];
  states: S[];
  times: number[] | undefined;
}

/**
 * A record whose state map survives a checkpoint: the map itself is a hidden property (the
 * value codec stores plain data only), and an enumerable getter hands the codec the state as
 * columns when, and only when, the record is written.
 * @internal
 */
export function makeMapWithStateRecord<K, S, M>(stateMap: StateMap<K, S>, mappedData: M[], trackUpdateTimes: boolean): MapWithStateRecord<K, S, M> {
  const record = { mappedData } as { mappedData: M[]; stateMap: StateMap<K, S> };
  Object.defineProperty(record, 'stateMap', { value: stateMap, enumerable: false });
  Object.defineProperty(record, 'storedState', {
    enumerable: true,
    get(): StoredState<K, S> {
      const keys: K[] = [];
      const states: S[] = [];
      const times: number[] | undefined = trackUpdateTimes ? [] : undefined;
      stateMap.forEach((k, s, t) => {
        keys.push(k);
        states.push(s);
        times?.push(t);
      });
      return { keys, states, times };
    },
  });
  return record;
}

/**
 * The state map of a record: the live one, or (for a record read back from a checkpoint
 * file) one rebuilt from its stored columns.
 * @internal
 */
export function stateMapOf<K, S, M>(record: MapWithStateRecord<K, S, M>, trackUpdateTimes: boolean): StateMap<K, S> {
  if (record.stateMap !== undefined) return record.stateMap;
  const stored = (record as unknown as { storedState?: StoredState<K, S> }).storedState;
  const entries: StateEntry<K, S>[] = [];
  if (stored !== undefined) {
    for (let i = 0; i < stored.keys.length; i++) {
      entries.push({ key: stored.keys[i]!, state: stored.states[i]!, updateTime: stored.times?.[i] ?? Number.NaN });
    }
  }
  return ImmutableStateMap.fromEntries(entries, trackUpdateTimes);
}

/**
 * The normalised mapping function: `(time, key, value, state) => mapped`. `emitAll` says
 * whether an `undefined` result is emitted (the three-parameter user function emits every
 * result, the four-parameter one only defined results).
 * @internal
 */
export interface MappingFunction<K, V, S, M> {
  readonly call: (time: Time, key: K, value: V | undefined, state: StateImpl<S>) => M | undefined;
  readonly emitAll: boolean;
}

/**
 * Computes one partition's next record from its previous one and the batch's records, as
 * Spark's `MapWithStateRDDRecord.updateRecordWithData`, in data order, one call per record:
 *
 * - the function sees the key's current state (including updates made by earlier records of
 *   the same batch); a removal removes, an update (or, with a timeout, any call on a key that
 *   has state) stamps the key with the batch time;
 * - then, with a timeout, every key last stamped before `timeoutThreshold` gets one final call
 *   with no value and `state.isTimingOut()`, and is removed. Unlike Spark, which only looks for
 *   idle keys on checkpoint batches, this runs every batch, at a cost proportional to the keys
 *   stamped in the expired batches (see {@link ImmutableStateMap.removeIdle}).
 *
 * The previous record's map is never modified (it is frozen by `copy()`).
 * @internal
 */
export function updateMapWithStateRecord<K, V, S, M>(
  prev: StateMap<K, S> | undefined,
  data: readonly (readonly [K, V])[],
  fn: MappingFunction<K, V, S, M>,
  batchTime: Time,
  timeoutThreshold: number | undefined,
  /** When given, every key whose state this batch wrote, removed or timed out is appended (group mode commits only those). */
  written?: K[],
): MapWithStateRecord<K, S, M> {
  const stateMap = prev ? prev.copy() : ImmutableStateMap.empty<K, S>(timeoutThreshold !== undefined);
  const mappedData: M[] = [];
  const state = new StateImpl<S>();
  const now = batchTime.milliseconds;
  const { call, emitAll } = fn;
  const stampAll = timeoutThreshold !== undefined;
  for (let i = 0; i < data.length; i++) {
    const key = data[i]![0];
    const current = stateMap.get(key);
    // one lookup in the common case; `has` only to tell "no state" from a state of undefined
    if (current !== undefined) state.wrap(true, current);
    else state.wrap(stateMap.has(key), undefined);
    const out = call(batchTime, key, data[i]![1], state);
    if (state.isRemoved()) {
      stateMap.remove(key);
      written?.push(key);
    } else if (state.isUpdated() || (stampAll && state.exists())) {
      stateMap.put(key, state.get(), now);
      written?.push(key);
    }
    if (emitAll || out !== undefined) mappedData.push(out as M);
  }
  if (timeoutThreshold !== undefined) {
    const expired = stateMap.removeIdle(timeoutThreshold);
    for (let i = 0; i < expired.length; i++) {
      const e = expired[i]!;
      written?.push(e.key);
      state.wrapTimingOut(e.state);
      const out = call(batchTime, e.key, undefined, state);
      if (emitAll || out !== undefined) mappedData.push(out as M);
    }
  }
  return makeMapWithStateRecord(stateMap, mappedData, timeoutThreshold !== undefined);
}
