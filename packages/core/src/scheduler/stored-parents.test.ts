import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, SparkContext, RDD } from '../index.ts';
import { parentsAllStored, unstoredDependencies } from './stored-parents.ts';

let sc: SparkContext | undefined;
afterEach(() => {
  sc?.stop();
  sc = undefined;
});

const dependenciesGetter = Object.getOwnPropertyDescriptor(RDD.prototype, 'dependencies')!.get!;

/** `n` persisted RDDs, each computed once (all their partitions stored), whose reads of `dependencies` are counted. */
async function storedParents(n: number): Promise<{ parents: RDD<number>[]; reads: { n: number } }> {
  sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('stored-parents'));
  const reads = { n: 0 };
  const parents: RDD<number>[] = [];
  for (let i = 0; i < n; i++) {
    const p = sc.parallelize([i, i + 100], 1).map((x) => x * 2).persist();
    await p.collect();
    Object.defineProperty(p, 'dependencies', { get() { reads.n++; return dependenciesGetter.call(this); } });
    parents.push(p);
  }
  return { parents, reads };
}

/** What `union(parents).map(x => x + 1)` holds, computed here. */
function expected(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(2 * i + 1, 2 * (i + 100) + 1);
  return out;
}

describe('parentsAllStored', () => {
  it('a job over a union of stored RDDs does not walk into them, and walks again once one is removed', async () => {
    const { parents, reads } = await storedParents(20);
    const union = sc!.union(parents);
    expect(parentsAllStored(union)).toBe(true);
    reads.n = 0;
    expect(await union.map((x) => x + 1).collect()).toEqual(expected(20));
    // the job's lineage walks stopped at the union: no parent's lineage was read
    expect(reads.n).toBe(0);

    // a parent's blocks removed (persisted again, nothing stored): it is computed again from its lineage, which the job walks
    parents[7]!.unpersist().persist();
    expect(parentsAllStored(union)).toBe(false);
    expect(await union.map((x) => x + 1).collect()).toEqual(expected(20));
    expect(reads.n).toBeGreaterThan(0);
    // stored again by that job: the union's parents are all stored once more
    expect(parentsAllStored(union)).toBe(true);
  });

  it('is false for a union with a parent not computed yet, and for few parents (walked as before)', async () => {
    const { parents } = await storedParents(12);
    const fresh = sc!.parallelize([5], 1).persist();
    expect(parentsAllStored(sc!.union([...parents, fresh]))).toBe(false);
    expect(parentsAllStored(sc!.union(parents.slice(0, 3)))).toBe(false);
    expect(parentsAllStored(sc!.union(parents))).toBe(true);
  });

  it("in a worker thread of local[N], finds a union's parents stored once the partitions it owns are", () => {
    // worker 0 of 2: it computes and stores partitions 0 and 2 of each parent, its peer 1 and 3
    const parentsOfWorker = (owned: boolean): { union: RDD<number>; parents: RDD<number>[] } => {
      sc?.stop();
      sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('stored-parents-worker'));
      if (owned) sc.blockManager.storesOwnedPartitions(2, 0);
      const parents: RDD<number>[] = [];
      for (let i = 0; i < 10; i++) {
        const p = sc.parallelize([i, i + 1, i + 2, i + 3], 4).persist();
        sc.blockManager.put(p.id, 0, [i]);
        sc.blockManager.put(p.id, 2, [i + 2]);
        parents.push(p);
      }
      return { union: sc.union(parents), parents };
    };
    const worker = parentsOfWorker(true);
    expect(parentsAllStored(worker.union)).toBe(true);
    // one of its own partitions missing: walked again
    worker.parents[4]!.unpersist().persist();
    sc!.blockManager.put(worker.parents[4]!.id, 0, [4]);
    expect(parentsAllStored(worker.union)).toBe(false);
    // the same blocks on one thread are half of each parent
    expect(parentsAllStored(parentsOfWorker(false).union)).toBe(false);
  });
});

describe('unstoredDependencies', () => {
  it("a job over a union of stored RDDs and one not computed yet (a window's newest batch) walks only into that one", async () => {
    const { parents, reads } = await storedParents(20);
    const fresh = sc!.parallelize([7, 8], 1).map((x) => x * 2).persist();
    const freshReads = { n: 0 };
    Object.defineProperty(fresh, 'dependencies', { get() { freshReads.n++; return dependenciesGetter.call(this); } });
    const union = sc!.union([...parents, fresh]);
    expect(unstoredDependencies(union).map((d) => d.rdd)).toEqual([fresh]);
    reads.n = 0;
    expect(await union.map((x) => x + 1).collect()).toEqual([...expected(20), 15, 17]);
    // the stored parents' lineages were not read by the job's walks (before: each walk visited each parent)
    expect(reads.n).toBe(0);
    // the new parent was walked into (and computed: it is stored now)
    expect(freshReads.n).toBeGreaterThan(0);
    expect(unstoredDependencies(union)).toEqual([]);
    expect(parentsAllStored(union)).toBe(true);

    // a removal: the finding is dropped and every parent asked again; the one removed is recomputed
    parents[3]!.unpersist().persist();
    expect(unstoredDependencies(union).map((d) => d.rdd)).toEqual([parents[3]]);
    expect(await union.map((x) => x + 1).collect()).toEqual([...expected(20), 15, 17]);
    expect(reads.n).toBeGreaterThan(0);
    expect(unstoredDependencies(union)).toEqual([]);
  });

  it('keeps the parents not stored, in their order, and leaves RDDs of few parents alone', async () => {
    const { parents } = await storedParents(10);
    const a = sc!.parallelize([1], 1).persist();
    const pairs = sc!.parallelize([[1, 2]] as [number, number][], 1).reduceByKey((x, y) => x + y).map(([k]) => k);
    const b = sc!.parallelize([2], 1);
    const union = sc!.union([a, ...parents.slice(0, 5), pairs, ...parents.slice(5), b]);
    expect(unstoredDependencies(union).map((d) => d.rdd)).toEqual([a, pairs, b]);
    const few = sc!.union(parents.slice(0, 3));
    expect(unstoredDependencies(few)).toBe(few.dependencies);
  });
});
