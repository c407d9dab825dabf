import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.mapValues(f)`: values mapped, keys and partitioning kept. */
export class MappedValuesDStream<K, V, U> extends DStream<[K, U]> {
  static override kind = 'mapValues';
  constructor(private readonly parent: DStream<[K, V]>, private readonly f: (v: V) => U) { super(parent.ssc); }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<[K, U]> | undefined { return this.parent.getOrCompute(validTime)?.mapValues(this.f); }
}
dstreamClasses.MappedValuesDStream = MappedValuesDStream;
