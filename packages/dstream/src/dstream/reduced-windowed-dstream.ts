import { StorageLevel } from '@kindling/core';
import type { Duration, Partitioner, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';
import { checkWindowDurations } from './window-durations.ts';
import { ReducedWindowRDD } from './reduced-window-rdd.ts';

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

  get dependencies(): readonly DStream<unknown>[] { return [this.reduced]; }
  get slideDuration(): Duration { return this.slide; }
  override get parentRememberDuration(): Duration | undefined { return this.rememberDuration?.plus(this.windowDuration); }

  override persist(level: StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    super.persist(level);
    this.reduced.persist(level);
    return this;
  }

  compute(validTime: Time): RDD<[K, V]> | undefined {
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
}
dstreamClasses.ReducedWindowedDStream = ReducedWindowedDStream;
