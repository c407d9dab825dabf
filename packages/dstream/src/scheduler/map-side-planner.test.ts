import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, SparkContext, naturalOrdering } from '@kindling/core';
import type { RDD, ShuffleDependency } from '@kindling/core';
import { planMapSideGroups } from './map-side-planner.ts';
import { planSharedRDDs } from './shared-rdd-planner.ts';

let sc: SparkContext | undefined;
const context = (): SparkContext => (sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('map-side-planner')));
afterEach(() => { sc?.stop(); sc = undefined; });

const shuffleIds = (deps: readonly ShuffleDependency[]): number[] => deps.map((d) => d.shuffleId).sort((a, b) => a - b);
const shuffleOf = (rdd: RDD<unknown>): ShuffleDependency => rdd.dependencies[0] as ShuffleDependency;
const plan = (outputs: RDD<unknown>[]) => planMapSideGroups(outputs, planSharedRDDs(outputs));

describe('planMapSideGroups', () => {
  it('groups the shuffles that read a shared RDD through record operators (the book: three branches of the parsed orders)', () => {
    const parsed = context().parallelize(['a,1', 'b,2'], 2).flatMap((l) => [l.split(',')]);
    const counts = parsed.map((s) => [s[0]!, 1] as [string, number]).reduceByKey((a, b) => a + b);
    const sums = parsed.map((s) => [s[0]!, Number(s[1])] as [string, number]).filter((kv) => kv[1] > 0).groupByKey();
    const top = parsed.map((s) => [s[1]!, s[0]!] as [string, string]).reduceByKey((a, b) => a + b).map((kv) => kv[1]);
    const groups = plan([counts, sums.mapValues((vs) => vs.length), top]);
    expect(groups.length).toBe(1);
    expect(groups[0]!.base).toBe(parsed);
    expect(shuffleIds(groups[0]!.deps)).toEqual(shuffleIds([shuffleOf(counts), shuffleOf(sums), shuffleOf(top.dependencies[0]!.rdd)]));
  });

  it('groups nothing when an output reads the shared RDD other than through a shuffle', () => {
    const parsed = context().parallelize([1, 2, 3], 2).map((x) => x * 2);
    const counts = parsed.map((x) => [x % 2, 1] as [number, number]).reduceByKey((a, b) => a + b);
    const sums = parsed.map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b);
    expect(plan([counts, sums]).length).toBe(1);
    expect(plan([counts, sums, parsed.filter((x) => x > 2)])).toEqual([]);
  });

  it('groups nothing when a chain forks again, or when a range partitioner samples a branch', () => {
    const parsed = context().parallelize([1, 2, 3], 2).map((x) => x * 2);
    const keyed = parsed.map((x) => [x % 2, x] as [number, number]);
    // keyed is read twice: it is the shared one, parsed is read once.
    const twice = plan([keyed.reduceByKey((a, b) => a + b), keyed.groupByKey(), parsed.map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b)]);
    expect(twice.map((g) => g.base)).toEqual([keyed]);
    const sorted = parsed.map((x) => [x, x] as [number, number]).sortByKey(true, 2, naturalOrdering);
    const counts = parsed.map((x) => [x % 2, 1] as [number, number]).reduceByKey((a, b) => a + b);
    expect(plan([sorted, counts])).toEqual([]);
  });
});
