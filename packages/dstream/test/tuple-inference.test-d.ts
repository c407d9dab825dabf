// `map((w) => [w, 1])` infers a pair, so the pair operators that follow compile without
// `as [string, number]` (a newcomer's first word count), for DStream and RDD alike; other
// results infer as before.
import { describe, expectTypeOf, it } from 'vitest';
import type { Duration, RDD } from '@kindling/core';
import type { DStream } from '../src/index.ts';

declare const words: DStream<string>;
declare const lines: RDD<string>;
declare const window: Duration;

describe('map infers tuples from array literals', () => {
  it('DStream.map((w) => [w, 1]) is a pair stream, its literal widened', () => {
    expectTypeOf(words.map((w) => [w, 1])).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(words.map((w) => [w, 1]).reduceByKey((a, b) => a + b)).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(words.map((w) => [w, 1]).reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, window)).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(words.map((w) => [w.length, [w]]).groupByKey()).toEqualTypeOf<DStream<[number, string[][]]>>();
    expectTypeOf(words.map((w) => (w === '' ? ['empty', 0] : [w, w.length]))).toEqualTypeOf<DStream<[string, number]>>();
  });

  it('RDD.map((w) => [w, 1]) is a pair RDD', () => {
    expectTypeOf(lines.map((w) => [w, 1])).toEqualTypeOf<RDD<[string, number]>>();
    expectTypeOf(lines.map((w) => [w, 1]).reduceByKey((a, b) => a + b)).toEqualTypeOf<RDD<[string, number]>>();
  });

  it('other results infer as before', () => {
    expectTypeOf(words.map((w) => w.length)).toEqualTypeOf<DStream<number>>();
    expectTypeOf(words.map(() => 1)).toEqualTypeOf<DStream<number>>();
    expectTypeOf(words.map((w) => w === 'a')).toEqualTypeOf<DStream<boolean>>();
    expectTypeOf(words.map((w) => ({ word: w, n: 1 }))).toEqualTypeOf<DStream<{ word: string; n: number }>>();
    expectTypeOf(words.map((w) => w.split(' '))).toEqualTypeOf<DStream<string[]>>();
    expectTypeOf(words.map((w) => (w === '' ? undefined : w))).toEqualTypeOf<DStream<string | undefined>>();
    expectTypeOf(words.map((w) => { void w; })).toEqualTypeOf<DStream<void>>();
    expectTypeOf(words.map<unknown>((w) => w)).toEqualTypeOf<DStream<unknown>>();
    // The documented widened form still works.
    expectTypeOf(words.map((w) => [w, 1] as [string, number])).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(lines.map((w) => w.length)).toEqualTypeOf<RDD<number>>();
  });

  it('generic code over DStream<X> keeps X', () => {
    const same = <X>(s: DStream<X>): DStream<X> => s.map((x) => x);
    const keyed = <X>(s: DStream<X>): DStream<[X, number]> => s.map((x) => [x, 1]);
    expectTypeOf(same(words)).toEqualTypeOf<DStream<string>>();
    expectTypeOf(keyed(words)).toEqualTypeOf<DStream<[string, number]>>();
  });

  it('a pair operator on a non-pair stream is still a compile error', () => {
    // @ts-expect-error reduceByKey needs [K, V] elements
    words.map((w) => w.length).reduceByKey((a: number, b: number) => a + b);
    // @ts-expect-error a variable holding an array is an array, not a pair: write [w, 1] in the return or annotate it
    words.map((w) => { const kv = [w, 1]; return kv; }).reduceByKey((a: number, b: number) => a + b);
  });
});
