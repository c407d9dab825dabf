import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.flatMapValues(f)`: one pair per value `f` returns, keys kept. */
export class FlatMappedValuesDStream<K, V, U> extends DStream<[K, U]> {
  static override kind = 'flatMapValues';
  constructor(private readonly parent: DStream<[K, V]>, private readonly f: (v: V) => Iterable<U>) { super(parent.ssc); }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<[K, U]> | undefined { return this.parent.getOrCompute(validTime)?.flatMapValues(this.f); }
}
dstreamClasses.FlatMappedValuesDStream = FlatMappedValuesDStream;
