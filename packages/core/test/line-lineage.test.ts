import { afterEach, describe, expect, it, vi } from 'vitest';
import { OneToOneDependency, RDD, RDDComputeError, type TaskContext } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

/** A one-to-one RDD with its own `compute` (not a fusible per-record op): adds `k`, counting its computations. */
class AddRDD extends RDD<number> {
  computed = 0;
  constructor(prev: RDD<number>, private readonly k: number) {
    super(prev.context, [new OneToOneDependency(prev)], 'add');
  }
  protected getPartitions(): number { return this.dependencies[0]!.rdd.getNumPartitions(); }
  compute(split: number, ctx: TaskContext): readonly number[] {
    this.computed++;
    return ctx.parent<number>(0, split).map((x) => x + this.k);
  }
}

/**
 * A lineage that is a line down to its source (each RDD one-to-one on one parent, or a fused
 * chain of per-record operators): the lineage of every narrow-op program's action and of a
 * shuffle's map side, every batch. The evaluator computes it bottom-up without its general
 * walk; these pin what that walk did, with answers worked out by hand.
 */
describe('evaluating a line of narrow RDDs', () => {
  const ctx = useSparkContext('local[1]');
  afterEach(() => { vi.restoreAllMocks(); });

  it('computes a line without listing any dependency\'s parent partitions (the general walk lists each)', async () => {
    const getParents = vi.spyOn(OneToOneDependency.prototype, 'getParents');
    // 1..6 in 2 partitions; +10 by a custom RDD; x2 and keep multiples of 4 (fused); +1 by a custom RDD.
    const line = new AddRDD(new AddRDD(ctx.sc.parallelize([1, 2, 3, 4, 5, 6], 2), 10).map((x) => x * 2).filter((x) => x % 4 === 0), 1);
    // 11..16 doubled: 22 24 26 28 30 32; multiples of 4: 24 28 32; plus 1.
    expect(await line.collect()).toEqual([25, 29, 33]);
    expect(await line.count()).toBe(3);
    expect(getParents).not.toHaveBeenCalled();
  });

  it('reads a stored partition in the middle of the line instead of computing below it, and stores a persisted one once', async () => {
    const below = new AddRDD(ctx.sc.parallelize([1, 2, 3], 1), 100);
    const kept = below.map((x) => x * 3).cache();
    const above = new AddRDD(kept, 1);
    expect(await above.collect()).toEqual([304, 307, 310]);
    expect(await above.collect()).toEqual([304, 307, 310]);
    // The second job read `kept`'s block: `below` was computed by the first job only.
    expect(below.computed).toBe(1);
    expect(above.computed).toBe(2);
    expect(await kept.count()).toBe(3);
    expect(below.computed).toBe(1);
  });

  it('names the RDD whose function failed, at every level of the line', async () => {
    const boom = new Error('bad 2');
    const source = ctx.sc.parallelize([1, 2, 3], 1);
    const failing = source.map((x) => { if (x === 2) throw boom; return x; }).setName('parsed');
    const top = new AddRDD(failing, 1);
    const e = await top.collect().then(() => undefined, (err: unknown) => err as RDDComputeError);
    expect(e).toBeInstanceOf(RDDComputeError);
    expect(e!.cause).toBe(boom);
    expect(e!.message).toContain(`parsed MapPartitionsRDD[${failing.id}] at map`);
    expect(top.computed).toBe(0);

    class Broken extends RDD<number> {
      constructor(prev: RDD<number>) { super(prev.context, [new OneToOneDependency(prev)], 'broken'); }
      protected getPartitions(): number { return 1; }
      compute(): readonly number[] { throw new TypeError('no'); }
    }
    const broken = new Broken(source);
    const e2 = await new AddRDD(broken, 1).collect().then(() => undefined, (err: unknown) => err as RDDComputeError);
    expect(e2).toBeInstanceOf(RDDComputeError);
    expect(e2!.cause).toBeInstanceOf(TypeError);
    expect(e2!.message).toContain(`[${broken.id}]`);
  });
});
