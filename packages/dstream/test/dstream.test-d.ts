import { describe, expectTypeOf, it } from 'vitest';
import type { RDD } from '@kindling/core';
import type { DStream, StreamingContext } from '../src/index.ts';
import { runStreamingTest } from '../src/testing/index.ts';

declare const ssc: StreamingContext;
declare const words: DStream<string>;
declare const pairs: DStream<[string, number]>;

describe('DStream types', () => {
  it('transformations infer their element types', () => {
    expectTypeOf(words.map((w) => w.length)).toEqualTypeOf<DStream<number>>();
    expectTypeOf(words.flatMap((w) => w.split(''))).toEqualTypeOf<DStream<string>>();
    expectTypeOf(words.glom()).toEqualTypeOf<DStream<string[]>>();
    expectTypeOf(words.count()).toEqualTypeOf<DStream<number>>();
    expectTypeOf(words.countByValue()).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(words.transform((rdd) => rdd.map((w) => w.length))).toEqualTypeOf<DStream<number>>();
    expectTypeOf(words.transformWith(pairs, (a, b) => a.union(b.keys()))).toEqualTypeOf<DStream<string>>();
    expectTypeOf(words.slice).returns.toEqualTypeOf<RDD<string>[]>();
    expectTypeOf(ssc.queueStream([[1, 2]])).toEqualTypeOf<DStream<number>>();
    expectTypeOf(ssc.union([words, words])).toEqualTypeOf<DStream<string>>();
    const t = ssc.transform([words, pairs], ([w, p], time) => {
      expectTypeOf(w).toEqualTypeOf<RDD<string>>();
      expectTypeOf(p).toEqualTypeOf<RDD<[string, number]>>();
      expectTypeOf(time.milliseconds).toEqualTypeOf<number>();
      return w.union(p.keys());
    });
    expectTypeOf(t).toEqualTypeOf<DStream<string>>();
  });

  it('pair operations only compile on pairs', () => {
    expectTypeOf(pairs.reduceByKey((a, b) => a + b)).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(pairs.groupByKey()).toEqualTypeOf<DStream<[string, number[]]>>();
    expectTypeOf(pairs.mapValues((v) => String(v))).toEqualTypeOf<DStream<[string, string]>>();
    expectTypeOf(pairs.join(pairs.mapValues((v) => v > 0))).toEqualTypeOf<DStream<[string, [number, boolean]]>>();
    expectTypeOf(pairs.leftOuterJoin(pairs)).toEqualTypeOf<DStream<[string, [number, number | undefined]]>>();
    expectTypeOf(pairs.cogroup(pairs)).toEqualTypeOf<DStream<[string, [number[], number[]]]>>();
    // @ts-expect-error reduceByKey needs [K, V] elements
    words.reduceByKey((a: string, b: string) => a + b);
    // @ts-expect-error join needs [K, V] elements
    words.join(pairs);
  });

  it('outputs return nothing; foreachRDD may return a Promise', () => {
    expectTypeOf(words.print()).toEqualTypeOf<void>();
    words.foreachRDD(async (rdd, time) => { expectTypeOf(rdd).toEqualTypeOf<RDD<string>>(); expectTypeOf(time.milliseconds).toEqualTypeOf<number>(); });
    expectTypeOf(words.persist()).toEqualTypeOf<DStream<string>>();
  });

  it('the test kit returns per-batch outputs', () => {
    expectTypeOf(runStreamingTest({ input: [['a']], operation: (s) => s.map((w) => w.length) })).toEqualTypeOf<Promise<number[][]>>();
  });
});
