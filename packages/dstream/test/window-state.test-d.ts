import { describe, expectTypeOf, it } from 'vitest';
import { HashPartitioner, Seconds } from '@kindling/core';
import type { RDD, Time } from '@kindling/core';
import { StateSpec } from '../src/index.ts';
import type { DStream, MapWithStateDStream, State } from '../src/index.ts';

declare const words: DStream<string>;
declare const pairs: DStream<[string, number]>;
declare const initial: RDD<[string, number]>;

describe('window operation types', () => {
  it('keep or derive the element type', () => {
    expectTypeOf(words.window(Seconds(2))).toEqualTypeOf<DStream<string>>();
    expectTypeOf(words.window(Seconds(4), Seconds(2))).toEqualTypeOf<DStream<string>>();
    expectTypeOf(words.countByWindow(Seconds(2), Seconds(1))).toEqualTypeOf<DStream<number>>();
    expectTypeOf(words.countByValueAndWindow(Seconds(2), Seconds(1))).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(words.reduceByWindow((a, b) => a + b, Seconds(2), Seconds(1))).toEqualTypeOf<DStream<string>>();
    expectTypeOf(pairs.mapValues((v) => v).reduceByWindow((a, b) => [a[0], a[1] + b[1]], (a, b) => [a[0], a[1] - b[1]], Seconds(2), Seconds(1)))
      .toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(pairs.groupByKeyAndWindow(Seconds(2))).toEqualTypeOf<DStream<[string, number[]]>>();
    expectTypeOf(pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(2))).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), undefined, new HashPartitioner(2), (kv) => kv[1] > 0))
      .toEqualTypeOf<DStream<[string, number]>>();
  });

  it('pair window operations only compile on pairs', () => {
    // @ts-expect-error groupByKeyAndWindow needs [K, V] elements
    words.groupByKeyAndWindow(Seconds(2));
    // @ts-expect-error reduceByKeyAndWindow needs [K, V] elements
    words.reduceByKeyAndWindow((a: string, b: string) => a + b, Seconds(2));
  });
});

describe('state operation types', () => {
  it('updateStateByKey: the three arities', () => {
    expectTypeOf(pairs.updateStateByKey((values: number[], state: number | undefined) => values.length + (state ?? 0)))
      .toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(pairs.updateStateByKey((time: Time, key: string, values: number[], state: string | undefined) => `${state}${key}${values.length}${time}`))
      .toEqualTypeOf<DStream<[string, string]>>();
    expectTypeOf(pairs.updateStateByKey((rows: Iterable<[string, number[], boolean | undefined]>) => [...rows].map(([k]) => [k, true] as [string, boolean])))
      .toEqualTypeOf<DStream<[string, boolean]>>();
    expectTypeOf(pairs.updateStateByKey((vs: number[], s: number | undefined) => s ?? vs.length, 4, initial)).toEqualTypeOf<DStream<[string, number]>>();
    // @ts-expect-error updateStateByKey needs [K, V] elements
    words.updateStateByKey((vs: string[], s: number | undefined) => s);
  });

  it('mapWithState: the mapped type and the state snapshots', () => {
    const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
      state.update(value ?? 0);
      return key.length;
    });
    expectTypeOf(spec).toEqualTypeOf<StateSpec<string, number, number, number>>();
    const mapped = pairs.mapWithState(spec);
    expectTypeOf(mapped).toEqualTypeOf<MapWithStateDStream<string, number, number, number>>();
    expectTypeOf(mapped.stateSnapshots()).toEqualTypeOf<DStream<[string, number]>>();
    const four = StateSpec.function((time: Time, key: string, value: number | undefined, state: State<string>) =>
      (state.exists() ? `${key}@${time}` : value === undefined ? undefined : key));
    expectTypeOf(pairs.mapWithState(four)).toEqualTypeOf<MapWithStateDStream<string, number, string, string>>();
    // @ts-expect-error the spec's key type must match the stream's
    pairs.mapWithState(StateSpec.function((key: number, value: number | undefined, state: State<number>) => key + (value ?? 0) + state.get()));
  });
});
