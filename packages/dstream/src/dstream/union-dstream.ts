import type { Duration, RDD, Time } from '@kindling/core';
import { DStream } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/** `a.union(b)` / `ssc.union(streams)`: all parents' elements of each batch. */
export class UnionDStream<T> extends DStream<T> {
  static override kind = 'union';
  constructor(private readonly parents: readonly DStream<T>[]) {
    const first = parents[0];
    if (first === undefined) throw new Error('union needs at least one DStream: pass a non-empty array');
    super(first.ssc);
    for (const p of parents) {
      if (p.ssc !== first.ssc) throw new Error(`${p.name()} belongs to another StreamingContext than ${first.name()}: union only streams of one context.`);
      if (!p.slideDuration.equals(first.slideDuration)) {
        throw new Error(`Cannot union streams with different slide durations: ${first.name()} slides every ${first.slideDuration}, ${p.name()} every ${p.slideDuration}. Window them to a common slide first.`);
      }
    }
  }
  get dependencies(): readonly DStream<unknown>[] { return this.parents; }
  get slideDuration(): Duration { return this.parents[0]!.slideDuration; }
  compute(validTime: Time): RDD<T> | undefined {
    const rdds: RDD<T>[] = [];
    for (const p of this.parents) {
      const rdd = p.getOrCompute(validTime);
      if (rdd === undefined) {
        throw new Error(`${this.describe()}: parent ${p.describe()} generated no RDD for batch ${validTime}, so the union cannot be formed. An input stream whose compute() returns undefined must return an empty RDD instead when it feeds union.`);
      }
      rdds.push(rdd);
    }
    return this.ssc.sparkContext.union(rdds);
  }
}
dstreamClasses.UnionDStream = UnionDStream;
