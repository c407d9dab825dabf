import type { Duration, Partitioner, RDD, Time } from '@kindling/core';
import type { Exchange } from '../exchange/exchange.ts';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';
import { verifyKeyPlacement } from '../group/co-partitioning.ts';

/** `parent.combineByKey(...)` (and `reduceByKey`): each batch combined by key. */
export class ShuffledDStream<K, V, C> extends DStream<[K, C]> {
  static override kind = 'combineByKey';
  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly createCombiner: (v: V) => C,
    private readonly mergeValue: (c: C, v: V) => C,
    private readonly mergeCombiners: (a: C, b: C) => C,
    /** Where the combined records go. */
    readonly partitioner: Partitioner,
    /** Whether values are combined before the shuffle (Spark's `mapSideCombine`). */
    private readonly mapSideCombine = true,
  ) { super(parent.ssc); }
  #exchange: Exchange | undefined;
  /** Routes the shuffle through a repartition log (several instances; set by the group plan). @internal */
  routeThrough(exchange: Exchange): void { this.#exchange = exchange; }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  /** The partitioner of the shuffle. */
  get keyPartitioner(): Partitioner { return this.partitioner; }
  compute(validTime: Time): RDD<[K, C]> | undefined {
    const rdd = this.parent.getOrCompute(validTime);
    if (rdd === undefined) return undefined;
    if (this.#exchange !== undefined) {
      const agg = { createCombiner: this.createCombiner, mergeValue: this.mergeValue, mergeCombiners: this.mergeCombiners };
      return this.#exchange.rdd<[K, C]>(rdd, validTime, agg as never);
    }
    // Lease group mode: each key must already be in the log partition the shuffle sends it to.
    const input = this.groupRuntime !== undefined ? verifyKeyPlacement(rdd, this.partitioner, this.describe(), validTime) : rdd;
    return input.combineByKey(this.createCombiner, this.mergeValue, this.mergeCombiners, this.partitioner, this.mapSideCombine);
  }
}
dstreamClasses.ShuffledDStream = ShuffledDStream;
