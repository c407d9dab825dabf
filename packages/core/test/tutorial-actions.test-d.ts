import { describe, expectTypeOf, it } from 'vitest';
import type { BoundedDouble, FutureAction, PartialResult, RDD } from '../src/index.ts';

declare const nums: RDD<number>;
declare const words: RDD<string>;
declare const pairs: RDD<[string, number]>;

describe('the actions added for tutorial ports type-check as Spark\'s', () => {
  it('approximate actions return PartialResults of BoundedDoubles', () => {
    expectTypeOf(words.countApprox(100)).toEqualTypeOf<Promise<PartialResult<BoundedDouble>>>();
    expectTypeOf(words.countByValueApprox(100, 0.9)).toEqualTypeOf<Promise<PartialResult<Map<string, BoundedDouble>>>>();
    expectTypeOf(pairs.countByKeyApprox(100)).toEqualTypeOf<Promise<PartialResult<Map<string, BoundedDouble>>>>();
    expectTypeOf(nums.sumApprox(100)).toEqualTypeOf<Promise<PartialResult<BoundedDouble>>>();
    expectTypeOf(nums.meanApprox(100, 0.5)).toEqualTypeOf<Promise<PartialResult<BoundedDouble>>>();
    // @ts-expect-error sumApprox needs RDD<number>
    words.sumApprox(100);
    // @ts-expect-error countByKeyApprox needs RDD<[K, V]>
    nums.countByKeyApprox(100);
  });

  it('asynchronous actions return FutureActions, awaitable as promises', () => {
    expectTypeOf(words.countAsync()).toEqualTypeOf<FutureAction<number>>();
    expectTypeOf(words.collectAsync()).toEqualTypeOf<FutureAction<string[]>>();
    expectTypeOf(words.takeAsync(3)).toEqualTypeOf<FutureAction<string[]>>();
    expectTypeOf(words.foreachAsync(() => {})).toEqualTypeOf<FutureAction<void>>();
    expectTypeOf(words.foreachPartitionAsync(() => {})).toEqualTypeOf<FutureAction<void>>();
    expectTypeOf<Awaited<FutureAction<string[]>>>().toEqualTypeOf<string[]>();
  });

  it('sampleByKeyExact only on pairs; localCheckpoint returns the same RDD type', () => {
    expectTypeOf(pairs.sampleByKeyExact(false, new Map([['a', 0.5]]), 1)).toEqualTypeOf<RDD<[string, number]>>();
    // @ts-expect-error sampleByKeyExact needs RDD<[K, V]>
    nums.sampleByKeyExact(false, new Map([[1, 0.5]]));
    expectTypeOf(pairs.localCheckpoint()).toEqualTypeOf<RDD<[string, number]>>();
    expectTypeOf(pairs.isLocallyCheckpointed).toEqualTypeOf<boolean>();
  });
});
