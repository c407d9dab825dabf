import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.mapPartitions(f)`: `f` applied to every partition of each batch. */
export class MapPartitionedDStream<T, U> extends DStream<U> {
  static override kind = 'mapPartitions';
  constructor(
    private readonly parent: DStream<T>,
    private readonly f: (part: Iterable<T>) => Iterable<U>,
    /** Whether `f` keeps keys in their partitions. */
    readonly preservePartitioning: boolean,
  ) { super(parent.ssc); }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<U> | undefined {
    return this.parent.getOrCompute(validTime)?.mapPartitions(this.f, this.preservePartitioning);
  }
}
dstreamClasses.MapPartitionedDStream = MapPartitionedDStream;
