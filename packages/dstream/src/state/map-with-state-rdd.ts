import { OneToOneDependency, RDD } from '@kindling/core';
import type { Partitioner, SparkContext, TaskContext, Time } from '@kindling/core';
import { ImmutableStateMap } from './immutable-state-map.ts';
import { stateMapOf, updateMapWithStateRecord } from './map-with-state-record.ts';
import type { MapWithStateRecord, MappingFunction } from './map-with-state-record.ts';
import type { StateMap } from './state-map.ts';

/** What one batch of `mapWithState` is made of. @internal */
export interface MapWithStateRDDOptions<K, V, S, M> {
  sc: SparkContext;
  /** The previous batch's records (undefined at the first batch). */
  previous: RDD<MapWithStateRecord<K, S, M>> | undefined;
  /** The spec's initial state, used when there is no previous batch. */
  initialState: RDD<[K, S]> | undefined;
  /** The batch's records (undefined when the parent has no RDD: the state still advances). */
  data: RDD<[K, V]> | undefined;
  partitioner: Partitioner;
  mapping: MappingFunction<K, V, S, M>;
  batchTime: Time;
  /** Keys last updated before this time (ms) time out in this batch; undefined: no timeout. */
  timeoutThreshold: number | undefined;
  streamName: string;
}

/**
 * One batch of `mapWithState`: one {@link MapWithStateRecord} per partition, computed from
 * the previous batch's record of the same partition and the batch's records partitioned
 * alike, so no state moves between partitions (as Spark's `MapWithStateRDD`).
 *
 * Dependencies (one-to-one): `[previous records | initial state pairs?, data?]`.
 * @internal
 */
export class MapWithStateRDD<K, V, S, M> extends RDD<MapWithStateRecord<K, S, M>> {
  private readonly prevKind: 'records' | 'pairs' | 'none';
  private readonly hasData: boolean;
  private readonly keyPartitioner: Partitioner;
  private readonly mapping: MappingFunction<K, V, S, M>;
  private readonly batchTime: Time;
  private readonly timeoutThreshold: number | undefined;
  private readonly streamName: string;

  constructor(o: MapWithStateRDDOptions<K, V, S, M>) {
    const p = o.partitioner;
    const deps: OneToOneDependency<unknown>[] = [];
    let prevKind: 'records' | 'pairs' | 'none' = 'none';
    if (o.previous !== undefined) {
      if (p.equals(o.previous.partitioner)) {
        deps.push(new OneToOneDependency(o.previous));
        prevKind = 'records';
      } else {
        // Partitioned differently (restored from a checkpoint, say): move the entries over.
        const track = o.timeoutThreshold !== undefined;
        const entries = o.previous.flatMap((r) => [...stateMapOf(r, track).entries()].map((e) => [e.key, e] as [K, unknown]));
        deps.push(new OneToOneDependency(entries.partitionBy(p)));
        prevKind = 'pairs';
      }
    } else if (o.initialState !== undefined) {
      const t = o.batchTime.milliseconds;
      deps.push(new OneToOneDependency(o.initialState.map(([k, s]) => [k, { key: k, state: s, updateTime: t }] as [K, unknown]).partitionBy(p)));
      prevKind = 'pairs';
    }
    if (o.data !== undefined) deps.push(new OneToOneDependency(o.data.partitionBy(p)));
    super(o.sc, deps, 'mapWithState');
    this.prevKind = prevKind;
    this.hasData = o.data !== undefined;
    this.keyPartitioner = p;
    this.mapping = o.mapping;
    this.batchTime = o.batchTime;
    this.timeoutThreshold = o.timeoutThreshold;
    this.streamName = o.streamName;
  }

  override get partitioner(): Partitioner { return this.keyPartitioner; }

  protected getPartitions(): number { return this.keyPartitioner.numPartitions; }

  compute(split: number, ctx: TaskContext): MapWithStateRecord<K, S, M>[] {
    const track = this.timeoutThreshold !== undefined;
    let dep = 0;
    let prev: StateMap<K, S> | undefined;
    if (this.prevKind === 'records') {
      const records = ctx.parent<MapWithStateRecord<K, S, M>>(dep++, split);
      if (records.length > 0) prev = stateMapOf(records[0]!, track);
    } else if (this.prevKind === 'pairs') {
      const pairs = ctx.parent<[K, { key: K; state: S; updateTime: number }]>(dep++, split);
      const m = ImmutableStateMap.fromEntries(pairs.map((kv) => kv[1]), track);
      prev = m;
    }
    const data = this.hasData ? ctx.parent<[K, V]>(dep++, split) : [];
    try {
      return [updateMapWithStateRecord(prev, data, this.mapping, this.batchTime, this.timeoutThreshold)];
    } catch (e) {
      throw new Error(`${this.streamName}: the mapWithState function failed at batch ${this.batchTime} (partition ${split}): ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }
}
