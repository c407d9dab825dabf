import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.mapValues(f)`: values mapped, keys and partitioning kept. */
export class MappedValuesDStream<K, V, U> extends DStream<[K, U]> {
  static override kind = 'mapValues';
  constructor(private readonly parent: DStream<[K, V]>, private readonly f: (v: V) => U) { super(parent.ssc); }
  get dependencies(): readonly DStream<unknown>[] { return [this.parent]; }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<[K, U]> | undefined { return this.parent.getOrCompute(validTime)?.mapValues(this.f); }
}
dstreamClasses.MappedValuesDStream = MappedValuesDStream;
