import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.map(f)`: each batch's RDD mapped with `f`. */
export class MappedDStream<T, U> extends DStream<U> {
  static override kind = 'map';
  constructor(private readonly parent: DStream<T>, private readonly f: (t: T) => U) { super(parent.ssc); }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<U> | undefined { return this.parent.getOrCompute(validTime)?.map(this.f); }
}
dstreamClasses.MappedDStream = MappedDStream;
