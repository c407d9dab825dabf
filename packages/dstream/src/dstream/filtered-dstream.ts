import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.filter(f)`: the elements of each batch for which `f` holds. */
export class FilteredDStream<T> extends DStream<T> {
  static override kind = 'filter';
  constructor(private readonly parent: DStream<T>, private readonly f: (t: T) => boolean) { super(parent.ssc); }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<T> | undefined { return this.parent.getOrCompute(validTime)?.filter(this.f); }
}
dstreamClasses.FilteredDStream = FilteredDStream;
