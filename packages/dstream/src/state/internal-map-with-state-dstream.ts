import { HashPartitioner, StorageLevel } from '@kindling/core';
import { Time, type Duration, type Partitioner, type RDD } from '@kindling/core';
import type { Exchange } from '../exchange/exchange.ts';
import { DStream } from '../dstream/dstream.ts';
import { dstreamClasses } from '../dstream/registry.ts';
import { verifyKeyPlacement } from '../group/co-partitioning.ts';
import { GroupMapWithStateRDD, mapStateChanges } from '../group/group-map-with-state-rdd.ts';
import { markStageRuntime } from '../group/group-batch-output.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import type { MapWithStateRecord } from './map-with-state-record.ts';
import { MapWithStateRDD } from './map-with-state-rdd.ts';
import type { StateSpec } from './state-spec.ts';

/** Spark's default checkpoint interval for `mapWithState`, in batches. */
const DEFAULT_CHECKPOINT_BATCHES = 10;

/**
 * The state behind `mapWithState`: one {@link MapWithStateRecord} per partition per batch,
 * each built from the previous batch's record and the batch's records, partitioned alike.
 *
 * ```
 *   record(t) = prev record(t - batch)  (or the initial state at the first batch)
 *               + parent(t).partitionBy(p), one call per record, then the timeouts
 * ```
 * A batch without a parent RDD still advances (timeouts still fire). Records chain, so the
 * stream must be checkpointed (default: every 10 batches, as Spark).
 *
 * In group mode (`spark.kindling.group.enabled`) each instance keeps the state (and update
 * times) of the log partitions it owns, committed with each partition's offsets and restored
 * by the partition's next owner (see {@link GroupMapWithStateRDD}). After a re-keying under
 * leases, those are the partitions of the repartition log the records are routed through, and
 * each runs at its own batch time (a partition catching up runs each missed batch at its time,
 * so timeouts fire when a single instance's would).
 * @internal
 */
export class InternalMapWithStateDStream<K, V, S, M> extends DStream<MapWithStateRecord<K, S, M>> {
  static override kind = 'internalMapWithState';
  readonly partitioner: Partitioner;

  constructor(private readonly parent: DStream<[K, V]>, private readonly spec: StateSpec<K, V, S, M>) {
    super(parent.ssc);
    this.partitioner = spec.getPartitioner() ?? new HashPartitioner(parent.ssc.sparkContext.defaultParallelism);
    this.mustCheckpoint = true;
    this.storageLevel = StorageLevel.MEMORY_ONLY;
  }

  #exchange: Exchange | undefined;
  #groupRuntime: GroupRuntime | undefined;

  /** Whether the spec gives an initial state RDD. @internal */
  get hasInitialState(): boolean { return this.spec.getInitialStateRDD() !== undefined; }
  /** Routes each batch's records through a repartition log (several instances; set by the group plan). @internal */
  routeThrough(exchange: Exchange): void { this.#exchange = exchange; }
  /** Group leases in a re-keyed graph: the runtime of the partitions the state lives with (set by the group plan). @internal */
  useGroupRuntime(runtime: GroupRuntime): void { this.#groupRuntime = runtime; }

  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  /** The partitioner the state is kept by. */
  get keyPartitioner(): Partitioner { return this.partitioner; }
  get slideDuration(): Duration { return this.parent.slideDuration; }

  override initialize(time: Time): void {
    if (this.checkpointDuration === undefined) this.checkpointDuration = this.slideDuration.times(DEFAULT_CHECKPOINT_BATCHES);
    super.initialize(time);
  }

  compute(validTime: Time): RDD<MapWithStateRecord<K, S, M>> | undefined {
    const group = this.#groupRuntime ?? this.groupRuntime;
    if (group !== undefined) return this.computeInGroup(validTime, group);
    const previous = this.getOrCompute(validTime.minus(this.slideDuration));
    const raw = this.parent.getOrCompute(validTime);
    const data = raw !== undefined && this.#exchange !== undefined ? this.#exchange.rdd<[K, V]>(raw, validTime) : raw;
    const timeout = this.spec.getTimeoutInterval();
    return new MapWithStateRDD<K, V, S, M>({
      sc: this.ssc.sparkContext,
      previous,
      initialState: previous === undefined ? this.spec.getInitialStateRDD() : undefined,
      data,
      partitioner: this.partitioner,
      mapping: this.spec.getFunction(),
      batchTime: validTime,
      timeoutThreshold: timeout === undefined ? undefined : validTime.milliseconds - timeout.milliseconds,
      streamName: this.name(),
    });
  }

  /** Group mode: the owned partitions' state, restored where just taken over, run at each partition's batch time. */
  private computeInGroup(validTime: Time, group: GroupRuntime): RDD<MapWithStateRecord<K, S, M>> | undefined {
    const plan = group.plan(validTime.milliseconds);
    const raw = this.parent.getOrCompute(validTime);
    if (plan === undefined || raw === undefined) return undefined;
    // The engine batch before (a catch-up batch, possibly: see GroupCatchUp).
    const previous = this.getOrCompute(this.previousBatchTime(validTime));
    // Routed through a repartition log, the records arrive placed by the partitioner; read from the log, each must already be where it belongs.
    const data = this.#exchange !== undefined ? this.#exchange.rdd<[K, V]>(raw, validTime) : verifyKeyPlacement(raw, this.partitioner, this.describe(), validTime);
    const rdd = new GroupMapWithStateRDD<K, V, S, M>(
      this.ssc.sparkContext, previous, data, plan, this.name(), this.partitioner, this.spec.getFunction(), this.spec.getTimeoutInterval()?.milliseconds,
    );
    // Only the keys the batch changed are committed (O(keys changed), not O(state)).
    group.captureStateChanges(this.name(), validTime.milliseconds, rdd.mapPartitions(mapStateChanges<K, S, M>, true) as RDD<readonly [unknown, unknown, boolean]>);
    markStageRuntime(rdd, group);
    return rdd;
  }
}
dstreamClasses.InternalMapWithStateDStream = InternalMapWithStateDStream;
