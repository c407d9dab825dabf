import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `parent.glom()`: one array per partition of each batch. */
export class GlommedDStream<T> extends DStream<T[]> {
  static override kind = 'glom';
  constructor(private readonly parent: DStream<T>) { super(parent.ssc); }
  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(validTime: Time): RDD<T[]> | undefined { return this.parent.getOrCompute(validTime)?.glom(); }
}
dstreamClasses.GlommedDStream = GlommedDStream;
