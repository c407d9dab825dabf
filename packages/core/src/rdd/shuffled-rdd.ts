import { RDD } from './rdd.ts';
import { ShuffleDependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import { combineCombinerColumns, combineValueColumns } from './combine.ts';
import { columnsOf, inAppendOnlyMapOrder, inHashCodeOrder, recordsOf } from './pair-columns.ts';
import type { PartitionData } from './pair-columns.ts';
import type { Aggregator } from './aggregator.ts';
import type { Partitioner } from './partitioner.ts';
import type { TaskContext } from '../scheduler/task-context.ts';
import type { Ordering } from '../util/ordering.ts';

/**
 * The reduce side of a shuffle: partition r gathers what every map partition sent to r, then
 * combines by key with the aggregator (if any) and sorts by key (if an ordering is set).
 * Combined pairs come out in the order Spark's reduce side gives them (its aggregation
 * map's slot order, see `appendOnlyMapOrder`, the map outputs' keys inserted as Spark reads
 * them, see `hashCodeOrder`), not in first-seen order. Combined pairs are
 * kept as columns until something needs them as pairs (see `PairColumns`).
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
    return recordsOf(this.computeData(split, ctx)) as readonly [K, C][];
  }

  /** Combined pairs come out as columns (see `PairColumns`); other shuffles as records. @internal */
  override computeData(split: number, ctx: TaskContext): PartitionData<[K, C]> {
    const agg = this.aggregator;
    if (agg !== undefined) {
      const blocks = ctx.shuffleReadData !== undefined ? ctx.shuffleReadData(0, split) : ctx.shuffleRead(0, split);
      // Spark's reduce side inserts the records in the order it reads them: each map output
      // in turn, a combined one sorted by hash code (see hashCodeOrder). A single map
      // partition's block already holds one pair per key (combined with the same key
      // equality), so there is nothing to merge, only Spark's order to restore.
      const single = this.mapSideCombine && blocks.length === 1;
      const cols = !this.mapSideCombine
        ? combineValueColumns(blocks, agg)
        : single
          ? columnsOf(blocks[0] as PartitionData<readonly [unknown, unknown]>)
          : combineCombinerColumns(blocks.map(inHashCodeOrder), agg.mergeCombiners as (a: unknown, b: unknown) => unknown);
      const ordered = inAppendOnlyMapOrder(cols, single);
      const ord = this.keyOrdering;
      if (ord === undefined) return ordered;
      // Sorted by key: as pairs (sorting the pairs Spark's sort would see, in the same order).
      const out = ordered.pairs().slice() as [K, C][];
      out.sort((a, b) => ord(a[0], b[0]));
      return out;
    }
    const blocks = ctx.shuffleRead<[K, C]>(0, split);
    if (blocks.length === 1 && this.keyOrdering === undefined) return blocks[0]!;
    const out = ([] as [K, C][]).concat(...blocks);
    const ord = this.keyOrdering;
    if (ord !== undefined) out.sort((a, b) => ord(a[0], b[0]));
    return out;
  }
}

rddClasses.ShuffledRDD = ShuffledRDD;
