import type { Duration, Partitioner, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.combineByKey(...)` (and `reduceByKey`): each batch combined by key. */
export class ShuffledDStream<K, V, C> extends DStream<[K, C]> {
  static override kind = 'combineByKey';
  constructor(
    private readonly parent: DStream<[K, V]>,
    private readonly createCombiner: (v: V) => C,
    private readonly mergeValue: (c: C, v: V) => C,
    private readonly mergeCombiners: (a: C, b: C) => C,
    private readonly partitioner: Partitioner,
  ) { super(parent.ssc); }
  get dependencies(): readonly DStream<unknown>[] { return [this.parent]; }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<[K, C]> | undefined {
    return this.parent.getOrCompute(validTime)?.combineByKey(this.createCombiner, this.mergeValue, this.mergeCombiners, this.partitioner);
  }
}
dstreamClasses.ShuffledDStream = ShuffledDStream;
