import type { Duration, Partitioner, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';
import { verifyKeyPlacement } from '../group/co-partitioning.ts';
import { groupRuntimeOf } from '../group/group-runtime.ts';

/** `parent.combineByKey(...)` (and `reduceByKey`): each batch combined by key. */
export class ShuffledDStream<K, V, C> extends DStream<[K, C]> {
  static override kind = 'ShuffledDStream';
  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly createCombiner: (v: V) => C,
    private readonly mergeValue: (c: C, v: V) => C,
    private readonly mergeCombiners: (a: C, b: C) => C,
    private readonly partitioner: Partitioner,
  ) { super(parent.ssc); }
  get dependencies(): readonly DStream<unknown>[] { return [this.parent]; }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  /** The partitioner of the shuffle. */
  get keyPartitioner(): Partitioner { return this.partitioner; }
  compute(validTime: Time): RDD<[K, C]> | undefined {
    const parent = this.parent.getOrCompute(validTime);
    // Group mode: each key must already be in the log partition the shuffle sends it to.
    const input = parent !== undefined && groupRuntimeOf(this.ssc) !== undefined ? verifyKeyPlacement(parent, this.partitioner, this.describe(), validTime) : parent;
    return input?.combineByKey(this.createCombiner, this.mergeValue, this.mergeCombiners, this.partitioner);
  }
}
dstreamClasses.ShuffledDStream = ShuffledDStream;
