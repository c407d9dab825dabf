import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';

/** An RDD with no partitions and no elements (`sc.emptyRDD()`). */
export class EmptyRDD<T> extends RDD<T> {
  constructor(sc: SparkContext) { super(sc, [], 'emptyRDD'); }
  protected getPartitions(): number { return 0; }
  compute(): readonly T[] { return []; }
}
