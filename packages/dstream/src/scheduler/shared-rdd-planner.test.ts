import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, SparkContext } from '@kindling/core';
import type { RDD } from '@kindling/core';
import { planSharedRDDs } from './shared-rdd-planner.ts';

let sc: SparkContext | undefined;
const context = (): SparkContext => (sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('planner')));
afterEach(() => { sc?.stop(); sc = undefined; });
const ids = (rdds: RDD<unknown>[]): number[] => rdds.map((r) => r.id);

describe('planSharedRDDs', () => {
  it('persists the RDD two outputs consume', () => {
    const a = context().parallelize([1, 2, 3]).map((x) => x + 1);
    expect(ids(planSharedRDDs([a.map((x) => x * 2), a.filter((x) => x > 1)]))).toEqual([a.id]);
  });

  it('persists nothing for a single output or unrelated outputs', () => {
    const s = context();
    const a = s.parallelize([1]).map((x) => x);
    const b = s.parallelize([2]).map((x) => x);
    expect(planSharedRDDs([a])).toEqual([]);
    expect(planSharedRDDs([a, b])).toEqual([]);
    expect(planSharedRDDs([a, undefined])).toEqual([]);
  });

  it('persists only the most downstream shared RDD of a chain', () => {
    const base = context().parallelize([1, 2]);
    const a = base.map((x) => x + 1);
    const b = a.map((x) => x * 2);
    // Two outputs on b: once b is kept, a and base are computed once.
    expect(ids(planSharedRDDs([b, b]))).toEqual([b.id]);
  });

  it('also persists an ancestor that a third output reaches another way', () => {
    const a = context().parallelize([1, 2]).map((x) => x + 1);
    const b = a.map((x) => x * 2);
    const shared = planSharedRDDs([b.map((x) => x), b.filter(() => true), a.map((x) => x)]);
    expect(ids(shared)).toEqual([b.id, a.id]);
  });

  it('finds a shared ancestor of a diamond', () => {
    const p = context().parallelize([1, 2]);
    const x = p.map((v) => v + 1);
    const y = p.map((v) => v + 2);
    expect(ids(planSharedRDDs([x, y]))).toEqual([p.id]);
    // Joined again below: x and y each feed one output and the union.
    const u = x.union(y);
    expect(ids(planSharedRDDs([u, x]))).toEqual([x.id, p.id]);
  });

  it('persists the fork point of a single output whose branches meet again after shuffles', () => {
    const parsed = context().parallelize([1, 2, 3, 4], 2).map((v) => [v % 2, v] as [number, number]);
    const sums = parsed.reduceByKey((a, b) => a + b);
    const counts = parsed.mapValues(() => 1).reduceByKey((a, b) => a + b);
    expect(ids(planSharedRDDs([sums.union(counts)]))).toEqual([parsed.id]);
  });

  it('does not walk past an RDD already cached in memory', async () => {
    const a = context().parallelize([1, 2]).map((x) => x + 1);
    const b = a.map((x) => x * 2).cache();
    await b.count();
    expect(planSharedRDDs([b.map((x) => x), b.map((x) => x), a.map((x) => x)])).toEqual([]);
  });

  it('walks through a persisted RDD not computed yet, which needs its parents once', () => {
    // A window persists its parent; the batch's fresh parent RDD is still to be computed.
    const parsed = context().parallelize([1, 2, 3], 2).map((v) => [v % 2, v] as [number, number]);
    const windowParent = parsed.reduceByKey((a, b) => a + b).persist();
    const counts = parsed.mapValues(() => 1).reduceByKey((a, b) => a + b);
    expect(ids(planSharedRDDs([windowParent.union(counts)]))).toEqual([parsed.id]);
    expect(ids(planSharedRDDs([windowParent.map((x) => x), windowParent.map((x) => x)]))).toEqual([]);
  });

  it('handles deep lineages without recursion', () => {
    let r: RDD<number> = context().parallelize([1]);
    const root = r;
    for (let i = 0; i < 20_000; i++) r = r.map((x) => x + 1);
    expect(ids(planSharedRDDs([r.map((x) => x), r.map((x) => x)]))).toEqual([r.id]);
    expect(ids(planSharedRDDs([r, root]))).toEqual([root.id]);
  });
});
