import { StorageLevel } from '@kindling/core';
import { Time, type Duration, type Partitioner, type RDD } from '@kindling/core';
import type { Exchange } from '../exchange/exchange.ts';
import { DStream } from '../dstream/dstream.ts';
import { dstreamClasses } from '../dstream/registry.ts';
import { verifyKeyPlacement } from '../group/co-partitioning.ts';
import { markStageRuntime } from '../group/group-batch-output.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import { GroupStateRDD } from '../group/group-state-rdd.ts';
import { GroupHeldStateRDD } from '../group/group-held-state-rdd.ts';
import type { PartitionStateUpdate } from './update-state-partition.ts';
import { UpdateStateRDD } from './update-state-rdd.ts';

/**
 * `updateStateByKey`: each batch's state is the previous batch's state updated with the
 * batch's values, key by key.
 *
 * ```
 *   state(t) = update( state(t - batch) ⋈ groupByKey(parent(t)) )
 *
 *   no previous state, no parent RDD  -> no RDD (nothing to do yet)
 *   no previous state, parent RDD     -> update(initial state ⋈ new values)
 *   previous state,    no parent RDD  -> update(previous state ⋈ nothing): keys get []
 *   previous state,    parent RDD     -> update(previous state ⋈ new values)
 * ```
 * Every key with state or new values is passed to the function once per batch, so a batch
 * costs O(state); state RDDs chain, so the stream must be checkpointed (default: every
 * multiple of the batch >= 10 s).
 *
 * In group mode (`spark.kindling.group.enabled`) each instance keeps the state of the log
 * partitions it owns: a partition taken over starts from the state committed with its last
 * batch (restored from the log's store), a partition given up is dropped, and every batch's
 * state of each owned partition is committed with the partition's offsets.
 */
export class StateDStream<K, V, S> extends DStream<[K, S]> {
  static override kind = 'updateStateByKey';
  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly update: PartitionStateUpdate<K, V, S>,
    /** Where keys and their state live. */
    readonly partitioner: Partitioner,
    private readonly initialRDD: RDD<[K, S]> | undefined,
    /** False for the one-parameter form, whose function may emit keys of other partitions. */
    private readonly preservePartitioning: boolean,
  ) {
    super(parent.ssc);
    this.mustCheckpoint = true;
    this.storageLevel = StorageLevel.MEMORY_ONLY_SER;
  }

  #exchange: Exchange | undefined;
  #groupRuntime: GroupRuntime | undefined;

  /** Whether an initial state RDD was given. @internal */
  get hasInitialRDD(): boolean { return this.initialRDD !== undefined; }
  /** Whether the state RDDs keep the partitioner (keys never move between partitions). @internal */
  get preservesPartitioning(): boolean { return this.preservePartitioning; }
  /** Routes each batch's values through a repartition log (several instances; set by the group plan). @internal */
  routeThrough(exchange: Exchange): void { this.#exchange = exchange; }
  /** Group leases in a re-keyed graph: the runtime of the partitions the state lives with (set by the group plan). @internal */
  useGroupRuntime(runtime: GroupRuntime): void { this.#groupRuntime = runtime; }

  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  /** The partitioner the state is kept by. */
  get keyPartitioner(): Partitioner { return this.partitioner; }

  compute(validTime: Time): RDD<[K, S]> | undefined {
    const group = this.#groupRuntime ?? this.groupRuntime;
    if (group !== undefined) return this.computeInGroup(validTime, group);
    const previous = this.getOrCompute(validTime.minus(this.slideDuration));
    const raw = this.parent.getOrCompute(validTime);
    // Routed: the values arrive placed by the partitioner, so groupByKey below stays local.
    const parentRDD = raw !== undefined && this.#exchange !== undefined ? this.#exchange.rdd<[K, V]>(raw, validTime) : raw;
    if (previous === undefined && parentRDD === undefined) return undefined;
    const prevState = previous ?? this.initialRDD;
    const grouped = parentRDD?.groupByKey(this.partitioner);
    // Spark cogroups the state with the batch (one row per key, the first state) when the
    // parent has an RDD; only an initial RDD or the rows form's output can repeat a key.
    const dedupe = parentRDD !== undefined && (previous === undefined ? this.initialRDD !== undefined : this.update.keysMayRepeat === true);
    return new UpdateStateRDD<K, V, S>(
      this.ssc.sparkContext, prevState, grouped, this.update, validTime, this.partitioner, this.preservePartitioning, this.name(), dedupe,
    );
  }

  /** Group mode: the owned partitions' state, restored where just taken over, checked for key placement. */
  private computeInGroup(validTime: Time, group: GroupRuntime): RDD<[K, S]> | undefined {
    const plan = group.plan(validTime.milliseconds);
    const parentRDD = this.parent.getOrCompute(validTime);
    if (plan === undefined || parentRDD === undefined) return undefined;
    // The engine batch before (a catch-up batch, possibly: see GroupCatchUp).
    const previous = this.getOrCompute(this.previousBatchTime(validTime)) ?? this.initialRDD;
    const prevState = new GroupStateRDD<K, S>(this.ssc.sparkContext, previous, plan, this.name(), this.partitioner);
    // Routed through a repartition log, the values arrive placed by the partitioner; read from the log, each must already be where it belongs.
    const placed = this.#exchange !== undefined ? this.#exchange.rdd<[K, V]>(parentRDD, validTime) : verifyKeyPlacement(parentRDD, this.partitioner, this.describe(), validTime);
    const grouped = placed.groupByKey(this.partitioner);
    const updated = new UpdateStateRDD<K, V, S>(
      this.ssc.sparkContext, prevState, grouped, this.update, validTime, this.partitioner, this.preservePartitioning, this.name(), this.update.keysMayRepeat === true,
    );
    // Partitions held without running this batch keep their state as it was.
    const rdd = plan.held.size === 0 ? updated : new GroupHeldStateRDD<K, S>(this.ssc.sparkContext, updated, prevState, plan, this.partitioner);
    group.captureState(this.name(), validTime.milliseconds, rdd as RDD<[unknown, unknown]>);
    markStageRuntime(rdd, group);
    return rdd;
  }
}
dstreamClasses.StateDStream = StateDStream;
