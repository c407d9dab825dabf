import { describe, expectTypeOf, it } from 'vitest';
import type { RDD } from '../src/index.ts';

declare const nums: RDD<number>;
declare const pairs: RDD<[string, number]>;

describe('pair methods type-check only on pair RDDs', () => {
  it('accepts pairs', () => {
    expectTypeOf(pairs.reduceByKey((a, b) => a + b)).toEqualTypeOf<RDD<[string, number]>>();
    expectTypeOf(pairs.groupByKey()).toEqualTypeOf<RDD<[string, number[]]>>();
    expectTypeOf(pairs.mapValues((v) => `${v}`)).toEqualTypeOf<RDD<[string, string]>>();
    expectTypeOf(pairs.join(pairs)).toEqualTypeOf<RDD<[string, [number, number]]>>();
    expectTypeOf(pairs.leftOuterJoin(pairs)).toEqualTypeOf<RDD<[string, [number, number | undefined]]>>();
    expectTypeOf(pairs.cogroup(pairs)).toEqualTypeOf<RDD<[string, [number[], number[]]]>>();
    expectTypeOf(pairs.keys()).toEqualTypeOf<RDD<string>>();
    expectTypeOf(nums.map((w) => [`${w}`, 1] as [string, number]).reduceByKey((a, b) => a + b)).toEqualTypeOf<RDD<[string, number]>>();
  });

  it('rejects pair methods on non-pair RDDs', () => {
    // @ts-expect-error reduceByKey needs RDD<[K, V]>
    nums.reduceByKey((a: number, b: number) => a + b);
    // @ts-expect-error groupByKey needs RDD<[K, V]>
    nums.groupByKey();
    // @ts-expect-error join needs RDD<[K, V]>
    nums.join(pairs);
    // @ts-expect-error mapValues needs RDD<[K, V]>
    nums.mapValues((v: number) => v);
    // @ts-expect-error sortByKey needs RDD<[K, V]>
    nums.sortByKey();
    // @ts-expect-error sum needs RDD<number>
    pairs.sum();
  });

  it('actions are async', () => {
    expectTypeOf(nums.collect()).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(nums.count()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(nums.getNumPartitions()).toEqualTypeOf<number>();
  });
});
