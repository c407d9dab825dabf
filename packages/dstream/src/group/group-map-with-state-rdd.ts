import { OneToOneDependency, RDD, Time } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext } from '@kindling/core';
import { ImmutableStateMap } from '../state/immutable-state-map.ts';
import { makeMapWithStateRecord, stateMapOf, updateMapWithStateRecord } from '../state/map-with-state-record.ts';
import type { MapWithStateRecord, MappingFunction } from '../state/map-with-state-record.ts';
import type { StateEntry, StateMap } from '../state/state-map.ts';
import type { GroupBatchPlan } from './group-runtime.ts';

/**
 * How group mode keeps one `mapWithState` key in the log's store: `[state, updateTime]`, the
 * batch time (ms) the key was last written (what its idle timeout counts from), `null` when
 * the spec has no timeout.
 * @internal
 */
export type StoredMapState<S> = readonly [S, number | null];

/**
 * One batch of `mapWithState` in group mode (`spark.kindling.group.enabled`): partition p is
 * log partition p. For an owned partition the previous state is the committed one restored
 * from the log's store (just taken over) or the previous batch's record, and the batch runs at
 * the partition's own batch time (a re-run of a failed owner's recorded batch keeps that
 * batch's time, so timeouts and the function's `time` argument are those of a single
 * instance). A partition held without running keeps its state and maps nothing; a partition
 * not owned has no state.
 *
 * Dependencies (one-to-one): `[previous records?, the batch's records]`; the records are
 * already placed by the log's partitioner (checked by `verifyKeyPlacement`), or, after a
 * re-keying under leases, read from the repartition partition of the same index (partition p
 * is then that log's partition p), so no shuffle.
 * @internal
 */
export class GroupMapWithStateRDD<K, V, S, M> extends RDD<MapWithStateRecord<K, S, M>> {
  readonly #hasPrevious: boolean;

  constructor(
    sc: SparkContext,
    previous: RDD<MapWithStateRecord<K, S, M>> | undefined,
    data: RDD<[K, V]>,
    private readonly plan: GroupBatchPlan,
    private readonly stream: string,
    private readonly keyPartitioner: Partitioner,
    private readonly mapping: MappingFunction<K, V, S, M>,
    /** The spec's idle timeout (ms), `undefined` without one. */
    private readonly timeoutMs: number | undefined,
  ) {
    super(sc, previous === undefined ? [new OneToOneDependency(data)] : [new OneToOneDependency(previous), new OneToOneDependency(data)], 'mapWithState');
    this.#hasPrevious = previous !== undefined;
  }

  override get partitioner(): Partitioner { return this.keyPartitioner; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): MapWithStateRecord<K, S, M>[] {
    const track = this.timeoutMs !== undefined;
    const owned = this.plan.owned.get(split);
    const held = this.plan.held.has(split);
    const restored = this.plan.restored.get(this.stream)?.get(split);
    let prev: StateMap<K, S> | undefined;
    if (restored !== undefined) {
      const entries: StateEntry<K, S>[] = [];
      for (let i = 0; i < restored.length; i++) {
        const [state, updateTime] = restored[i]![1] as StoredMapState<S>;
        entries.push({ key: restored[i]![0] as K, state, updateTime: updateTime ?? Number.NaN });
      }
      prev = ImmutableStateMap.fromEntries(entries, track);
    } else if ((owned !== undefined || held) && this.#hasPrevious) {
      const records = ctx.parent<MapWithStateRecord<K, S, M>>(0, split);
      if (records.length > 0) prev = stateMapOf(records[0]!, track);
    }
    if (owned === undefined) {
      // Held: the state carries over unchanged (the next batch's copy() freezes it); else none.
      return [makeMapWithStateRecord(held && prev !== undefined ? prev : ImmutableStateMap.empty<K, S>(track), [], track)];
    }
    const data = ctx.parent<[K, V]>(this.#hasPrevious ? 1 : 0, split);
    const time = owned.batch.time;
    try {
      const written: K[] = [];
      const record = updateMapWithStateRecord(prev, data, this.mapping, new Time(time), this.timeoutMs === undefined ? undefined : time - this.timeoutMs, written);
      // What the batch changed, for its commit (a field, so that it survives the RDD's checkpoint).
      const changes: MapStateChange<K, S>[] = [];
      for (let i = 0; i < written.length; i++) {
        const e = record.stateMap.getEntry(written[i]!);
        changes.push(e === undefined ? [written[i]!, null, false] : [written[i]!, [e.state, Number.isNaN(e.updateTime) ? null : e.updateTime], true]);
      }
      return [Object.assign(record, { groupChanges: changes })];
    } catch (e) {
      throw new Error(`${this.stream}: the mapWithState function failed at batch ${new Time(time)} (partition ${split}): ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }
}

/**
 * One key a batch of `mapWithState` changed in group mode: `[key, [state, updateTime], true]`
 * when it has a state after the batch, `[key, null, false]` when the batch removed it (or it
 * timed out).
 * @internal
 */
export type MapStateChange<K, S> = readonly [K, StoredMapState<S> | null, boolean];

/**
 * The keys one partition's batch of `mapWithState` changed (see {@link MapStateChange}): what
 * group mode commits, O(keys changed) however big the state (`GroupRuntime.captureStateChanges`).
 * A partition held or not run changed nothing.
 * @internal
 */
export function mapStateChanges<K, S, M>(records: Iterable<MapWithStateRecord<K, S, M>>): MapStateChange<K, S>[] {
  const out: MapStateChange<K, S>[] = [];
  for (const r of records) {
    const changes = (r as { groupChanges?: readonly MapStateChange<K, S>[] }).groupChanges;
    if (changes !== undefined) for (let i = 0; i < changes.length; i++) out.push(changes[i]!);
  }
  return out;
}

/** The `[key, [state, updateTime]]` pairs group mode commits for one partition of `mapWithState`. @internal */
export function storedMapStates<K, S, M>(records: Iterable<MapWithStateRecord<K, S, M>>): [K, StoredMapState<S>][] {
  const out: [K, StoredMapState<S>][] = [];
  for (const r of records) {
    stateMapOf(r, true).forEach((k, s, t) => { out.push([k, [s, Number.isNaN(t) ? null : t]]); });
  }
  return out;
}
