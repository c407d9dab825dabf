import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from '../dstream/dstream.ts';
import { dstreamClasses } from '../dstream/registry.ts';
import { stateMapOf } from './map-with-state-record.ts';
import type { MapWithStateRecord } from './map-with-state-record.ts';
import type { InternalMapWithStateDStream } from './internal-map-with-state-dstream.ts';
import type { StateSpec } from './state-spec.ts';

/**
 * What `mapWithState` returns: the values the mapping function returned, batch by batch,
 * plus {@link stateSnapshots}, the full keyed state after each batch. As Spark's
 * `MapWithStateDStream`.
 *
 * @example
 * ```ts
 * // Events per user session; a session ends after 30 idle minutes.
 * function trackSession(user: string, event: string | undefined, state: State<number>): [string, number] {
 *   if (state.isTimingOut()) return [user, state.get()]; // the session's final count
 *   const events = (state.getOption() ?? 0) + 1;
 *   state.update(events);
 *   return [user, events];
 * }
 * const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('Sessions'), Seconds(1));
 * ssc.checkpoint('checkpoint');
 * const events = ssc.queueStream([[['ann', 'click'], ['bob', 'view']], [['ann', 'buy']]] as [string, string][][]);
 * const sessions = events.mapWithState(StateSpec.function(trackSession).timeout(Minutes(30)));
 * sessions.print();
 * sessions.stateSnapshots().foreachRDD(async (rdd) => console.log(await rdd.count(), 'open sessions'));
 * await ssc.start();
 * await ssc.processAllAvailable();
 * await ssc.stop();
 * ```
 */
export class MapWithStateDStream<K, V, S, M> extends DStream<M> {
  static override kind = 'mapWithState';
  private readonly internal: InternalMapWithStateDStream<K, V, S, M>;

  /** @internal Use `stream.mapWithState(spec)`. */
  constructor(parent: DStream<[K, V]>, spec: StateSpec<K, V, S, M>) {
    super(parent.ssc);
    this.internal = new dstreamClasses.InternalMapWithStateDStream(parent, spec);
  }

  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.internal]); }
  get slideDuration(): Duration { return this.internal.slideDuration; }

  compute(validTime: Time): RDD<M> | undefined {
    return this.internal.getOrCompute(validTime)?.mapPartitions(mappedDataOf<K, S, M>, true);
  }

  /** A stream of the whole state after each batch, as `[key, state]` pairs. */
  stateSnapshots(): DStream<[K, S]> {
    return this.internal.mapPartitions(snapshotOf<K, S, M>, true);
  }

  /** Checkpoints the state stream (not this one, which is cheap to recompute from it). */
  override checkpoint(interval: Duration): this {
    this.internal.checkpoint(interval);
    return this;
  }
}
dstreamClasses.MapWithStateDStream = MapWithStateDStream;

function mappedDataOf<K, S, M>(records: Iterable<MapWithStateRecord<K, S, M>>): M[] {
  const out: M[] = [];
  for (const r of records) for (let i = 0; i < r.mappedData.length; i++) out.push(r.mappedData[i]!);
  return out;
}

function snapshotOf<K, S, M>(records: Iterable<MapWithStateRecord<K, S, M>>): [K, S][] {
  const out: [K, S][] = [];
  for (const r of records) stateMapOf(r, false).forEach((k, s) => { out.push([k, s]); });
  return out;
}
