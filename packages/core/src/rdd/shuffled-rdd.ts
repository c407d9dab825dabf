import { RDD } from './rdd.ts';
import { ShuffleDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import { combineCombinersByKey, combineValuesByKeyOf } from './combine.ts';
import { appendOnlyMapOrder } from '../util/append-only-map-order.ts';
import type { Aggregator } from './aggregator.ts';
import type { Partitioner } from './partitioner.ts';
import type { TaskContext } from '../scheduler/task-context.ts';
import type { Ordering } from '../util/ordering.ts';

/**
 * The reduce side of a shuffle: partition r gathers what every map partition sent to r, then
 * combines by key with the aggregator (if any) and sorts by key (if an ordering is set).
 * Combined pairs come out in the order Spark's reduce side gives them (its aggregation
 * map's slot order, see {@link appendOnlyMapOrder}), not in first-seen order.
 */
export class ShuffledRDD<K, V, C> extends RDD<[K, C]> {
  private readonly part: Partitioner;

  constructor(
    prev: RDD<[K, V]>,
    partitioner: Partitioner,
    readonly aggregator?: Aggregator<V, C>,
    readonly mapSideCombine = false,
    readonly keyOrdering?: Ordering<K>,
    scope = 'partitionBy',
  ) {
    super(prev.context, [new ShuffleDependency<K, V, C>(prev, partitioner, aggregator, mapSideCombine, keyOrdering)], scope);
    this.part = partitioner;
  }

  override get partitioner(): Partitioner { return this.part; }

  protected getPartitions(): number { return this.part.numPartitions; }

  compute(split: number, ctx: TaskContext): readonly [K, C][] {
    let out: [K, C][];
    if (this.aggregator !== undefined) {
      if (this.mapSideCombine) {
        const blocks = ctx.shuffleRead<[K, C]>(0, split);
        if (blocks.length === 1) {
          // A single map partition's block already holds one pair per key (combined with the
          // same key equality), so there is nothing to merge, only Spark's order to restore
          // (a block of one pair is shared as it is: read-only, so sort a copy).
          const ordered = appendOnlyMapOrder(blocks[0]!, firstOf);
          if (this.keyOrdering === undefined) return ordered;
          out = ordered === blocks[0] ? ordered.slice() : ordered;
        } else {
          out = appendOnlyMapOrder(combineCombinersByKey(blocks, this.aggregator.mergeCombiners), firstOf);
        }
      } else {
        out = appendOnlyMapOrder(combineValuesByKeyOf(ctx.shuffleRead<[K, V]>(0, split), this.aggregator), firstOf);
      }
    } else {
      const blocks = ctx.shuffleRead<[K, C]>(0, split);
      if (blocks.length === 1 && this.keyOrdering === undefined) return blocks[0]!;
      out = ([] as [K, C][]).concat(...blocks);
    }
    const ord = this.keyOrdering;
    if (ord !== undefined) out.sort((a, b) => ord(a[0], b[0]));
    return out;
  }
}
const firstOf = (pair: readonly [unknown, unknown]): unknown => pair[0];

rddClasses.ShuffledRDD = ShuffledRDD;
