import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';

/**
 * Input data spread over the threads of a replicated graph (`local[N]` with a graph module):
 * every thread has the same RDD with the same partitions, but holds only the data of the
 * partitions it owns (the files it read, the receiver blocks the driver sent it). A worker
 * that needs another partition (a `union` or a window placing it elsewhere) fetches it from
 * its owner first, so computing never sees a partition it does not hold.
 * @internal
 */
export class OwnedPartitionsRDD<T> extends RDD<T> {
  constructor(sc: SparkContext, private readonly parts: (readonly T[] | undefined)[], scope: string) {
    super(sc, [], scope);
  }

  protected getPartitions(): number { return this.parts.length; }

  /** Whether this thread holds partition `split`'s data. */
  holds(split: number): boolean { return this.parts[split] !== undefined; }

  /** Stores a partition fetched from its owner (or sent by the driver). */
  fill(split: number, data: readonly T[]): void { this.parts[split] = data; }

  compute(split: number): readonly T[] {
    const data = this.parts[split];
    if (data === undefined) throw new Error(`Partition ${split} of ${this.toString()} is held by another thread and was not fetched first (internal scheduler error)`);
    return data;
  }
}
