import { describe, expect, it } from 'vitest';
import {
  HashPartitioner,
  OneToOneDependency,
  RDD,
  ShuffleDependency,
  FunctionNarrowDependency,
  type Partitioner,
  type TaskContext,
} from '../src/index.ts';
import { useSparkContext, countShuffles } from './helpers.ts';

/**
 * The subclass contract other packages rely on (MapWithStateRDD is written this way): a state
 * RDD already partitioned by key is read one-to-one, new data is shuffled into the same
 * partitioner, and compute merges both from the task context.
 */
class MergedStateRDD<K> extends RDD<[K, number]> {
  private readonly part: Partitioner;

  constructor(state: RDD<[K, number]>, updates: RDD<[K, number]>, part: Partitioner) {
    super(state.context, [
      part.equals(state.partitioner) ? new OneToOneDependency(state) : new ShuffleDependency(state, part),
      new ShuffleDependency(updates, part),
    ], 'mergeState');
    this.part = part;
  }

  override get partitioner(): Partitioner { return this.part; }

  protected getPartitions(): number { return this.part.numPartitions; }

  compute(split: number, ctx: TaskContext): readonly [K, number][] {
    const state = new Map<K, number>();
    const first = this.dependencies[0] instanceof ShuffleDependency ? ctx.shuffleRead<[K, number]>(0, split).flat() : ctx.parent<[K, number]>(0, split);
    for (const [k, v] of first) state.set(k, v);
    for (const block of ctx.shuffleRead<[K, number]>(1, split)) for (const [k, v] of block) state.set(k, (state.get(k) ?? 0) + v);
    return [...state];
  }
}

/** A narrow dependency on a chosen set of parent partitions (every other one). */
class EvenPartitionsRDD<T> extends RDD<T> {
  constructor(prev: RDD<T>) {
    super(prev.context, [new FunctionNarrowDependency(prev, (p) => [p * 2])], 'evens');
  }
  protected getPartitions(): number { return Math.ceil(this.dependencies[0]!.rdd.getNumPartitions() / 2); }
  compute(split: number, ctx: TaskContext): readonly T[] { return ctx.parent<T>(0, split * 2); }
}

describe('RDD subclass contract', () => {
  const ctx = useSparkContext();

  it('reads co-partitioned parents one-to-one and shuffles the rest', async () => {
    const part = new HashPartitioner(2);
    const state = ctx.sc.parallelize<[string, number]>([['a', 10], ['b', 20]], 2).partitionBy(part).cache();
    const updates = ctx.sc.parallelize<[string, number]>([['a', 1], ['c', 5], ['a', 2]], 3);
    const merged = new MergedStateRDD(state, updates, part);
    expect(countShuffles(merged)).toBe(2); // partitionBy + the updates' shuffle
    expect(new Map(await merged.collect())).toEqual(new Map([['a', 13], ['b', 20], ['c', 5]]));
    // the next generation reads the previous one-to-one: no extra shuffle for the state
    const next = new MergedStateRDD(merged, ctx.sc.parallelize<[string, number]>([['b', 1]], 1), part);
    expect(next.dependencies[0]).toBeInstanceOf(OneToOneDependency);
    expect(new Map(await next.collect())).toEqual(new Map([['a', 13], ['b', 21], ['c', 5]]));
    expect(next.toDebugString()).toContain('MergedStateRDD');
  });

  it('supports narrow dependencies on arbitrary parent partitions', async () => {
    const rdd = new EvenPartitionsRDD(ctx.sc.parallelize([0, 1, 2, 3, 4], 5));
    expect(rdd.getNumPartitions()).toBe(3);
    expect(await rdd.collect()).toEqual([0, 2, 4]);
  });

  it('a compute that reads a partition its dependency does not list fails clearly', async () => {
    class Liar extends RDD<number> {
      constructor(prev: RDD<number>) { super(prev.context, [new OneToOneDependency(prev)]); }
      protected getPartitions(): number { return 1; }
      compute(_split: number, ctx: TaskContext): readonly number[] { return ctx.parent<number>(0, 1); }
    }
    await expect(new Liar(ctx.sc.parallelize([1, 2], 2)).collect()).rejects.toThrow(/does not list/);
  });
});
