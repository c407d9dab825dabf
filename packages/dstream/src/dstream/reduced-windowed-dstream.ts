import { StorageLevel } from '@kindling/core';
import type { Duration, Partitioner, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';
import { checkWindowDurations } from './window-durations.ts';
import { ReducedWindowRDD } from './reduced-window-rdd.ts';
import { markStageRuntime } from '../group/group-batch-output.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import { GroupWindowStateRDD, groupWindowPairs } from '../group/group-window-state-rdd.ts';
import type { GroupWindowEntry } from '../group/group-window-state.ts';

/**
 * `reduceByKeyAndWindow(reduce, invReduce, window, slide, partitions, filter)`: the window's
 * per-key reduction, computed incrementally from the previous window's:
 *
 * ```
 *    previous window (t - slide)         ┌───────────── current window (t) ────────────┐
 *   ┌──────────────────────┬─────────────┼──────────────────────┐                      │
 *   │ left: invReduce'd    │          kept as they were         │ entered: reduce'd    │
 *   └──────────────────────┴─────────────┴──────────────────────┴──────────────────────┘
 * ```
 * so a batch costs the keys of the previous window plus those of the batches that left and
 * entered, however long the window. Keys stay, at their "zero" value, after their values have
 * left the window, unless `filter` drops them. Each result depends on the previous one, so the
 * stream must be checkpointed (default: every multiple of the slide >= 10 s).
 *
 * The per-batch reductions (`reduceByKey` with the same partitioner) are persisted and
 * remembered for a window more than this stream.
 *
 * In group mode (`spark.kindling.group.enabled`; sliding slower than the batches only under
 * leases, after a re-keying) each instance keeps
 * the window of the log partitions it owns as a keyed state (window value plus the per-batch
 * reductions still inside the window, see {@link GroupWindowStateRDD}), committed with each
 * partition's offsets and restored by the partition's next owner, which can then subtract the
 * batches that leave the window although another instance read them. After a re-keying under
 * leases (the per-batch reductions routed through a repartition log), the same holds for the
 * partitions of that log, each advanced at its own batch time.
 */
export class ReducedWindowedDStream<K, V> extends DStream<[K, V]> {
  static override kind = 'reduceByKeyAndWindow';
  private readonly reduced: DStream<[K, V]>;

  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly reduceFunc: (a: V, b: V) => V,
    private readonly invReduceFunc: (a: V, b: V) => V,
    private readonly filterFunc: ((kv: [K, V]) => boolean) | undefined,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
    /** Where keys live. */
    readonly partitioner: Partitioner,
  ) {
    super(parent.ssc);
    checkWindowDurations(this, parent, windowDuration, slide);
    this.reduced = parent.reduceByKey(reduceFunc, partitioner);
    this.mustCheckpoint = true;
    this.storageLevel = StorageLevel.MEMORY_ONLY_SER;
    this.reduced.persist(StorageLevel.MEMORY_ONLY_SER);
  }

  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.reduced]); }
  get slideDuration(): Duration { return this.slide; }
  override get parentRememberDuration(): Duration | undefined { return this.rememberDuration?.plus(this.windowDuration); }

  override persist(level: StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    super.persist(level);
    this.reduced.persist(level);
    return this;
  }

  /** The partitioner the window is kept by. */
  get keyPartitioner(): Partitioner { return this.partitioner; }

  /** Group mode: the window state RDD of each recent batch (the stream's RDDs are views of them). */
  readonly #groupStates = new Map<number, RDD<[K, GroupWindowEntry<V>]>>();

  #groupRuntime: GroupRuntime | undefined;

  /**
   * Group leases in a re-keyed graph: the runtime of the repartition log's partitions the
   * window's keys are placed on (its state lives with them; set by the group plan). @internal
   */
  useGroupRuntime(runtime: GroupRuntime): void { this.#groupRuntime = runtime; }

  compute(validTime: Time): RDD<[K, V]> | undefined {
    const group = this.#groupRuntime ?? this.groupRuntime;
    if (group !== undefined) return this.computeInGroup(validTime, group);
    const batch = this.parent.slideDuration;
    // current window: (t - window, t] = [t - window + batch, t]; previous: the same, one slide earlier
    const currentBegin = validTime.minus(this.windowDuration).plus(batch);
    const previousEnd = validTime.minus(this.slide);
    const previousBegin = currentBegin.minus(this.slide);
    const left = this.reduced.slice(previousBegin, currentBegin.minus(batch));
    const entered = this.reduced.slice(previousEnd.plus(batch), validTime);
    const previous = this.getOrCompute(previousEnd);
    return new ReducedWindowRDD(this.ssc.sparkContext, previous, left, entered, this.partitioner, this.reduceFunc, this.invReduceFunc, this.filterFunc, this.name(), validTime);
  }

  /**
   * Group mode: the window advanced per owned partition at the partition's batch time, every
   * batch; sliding slower than the batches (under leases, generated every batch), a partition's
   * result changes only at its own slide times, and is empty between them. The state chain is
   * persisted, checkpointed with this stream's RDDs (cutting its lineage), and forgotten a few
   * batches later.
   */
  private computeInGroup(validTime: Time, group: GroupRuntime): RDD<[K, V]> | undefined {
    const plan = group.plan(validTime.milliseconds);
    const entered = this.reduced.getOrCompute(validTime);
    if (plan === undefined || entered === undefined) return undefined;
    const t = validTime.milliseconds;
    // Advanced every batch, sliding slower or not: the state is committed with each of the partition's batches.
    const batch = this.reduced.slideDuration.milliseconds;
    const slideMs = this.slide.milliseconds;
    // Sliding slower than the batches: the partitions whose own batch time is a slide time (the others only keep their batch as pending).
    let onSlide: Set<number> | undefined;
    if (slideMs !== batch) {
      onSlide = new Set();
      for (const j of plan.owned.keys()) if (group.onSlide(t, j, slideMs)) onSlide.add(j);
    }
    // The engine batch before (a catch-up batch, possibly: see GroupCatchUp).
    const previous = this.#groupStates.get(this.previousBatchTime(validTime, this.reduced.slideDuration).milliseconds);
    const state = new GroupWindowStateRDD<K, V>(this.ssc.sparkContext, previous, entered, plan, this.name(), this.partitioner, {
      reduce: this.reduceFunc, invReduce: this.invReduceFunc, filter: this.filterFunc as ((kv: [unknown, V]) => boolean) | undefined, windowMs: this.windowDuration.milliseconds, onSlide,
    });
    state.persist(StorageLevel.MEMORY_ONLY);
    if (this.checkpointDuration !== undefined && this.zeroTime !== undefined && validTime.minus(this.zeroTime).isMultipleOf(this.checkpointDuration)) state.checkpoint();
    this.#groupStates.set(t, state);
    for (const [old, rdd] of this.#groupStates) {
      if (old < t - 3 * batch) {
        this.#groupStates.delete(old);
        rdd.unpersist();
      }
    }
    group.captureState(this.name(), t, state as RDD<[unknown, unknown]>);
    markStageRuntime(state, group);
    const pairs = onSlide === undefined
      ? state.mapPartitions(groupWindowPairs<K, V>, true)
      : state.mapPartitionsWithIndex((j, part) => (onSlide.has(j) ? groupWindowPairs<K, V>(part) : []), true);
    markStageRuntime(pairs, group, onSlide === undefined ? undefined : slideMs);
    return pairs;
  }
}
dstreamClasses.ReducedWindowedDStream = ReducedWindowedDStream;
