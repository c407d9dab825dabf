import { describe, expectTypeOf, it } from 'vitest';
import { HashPartitioner } from '@kindling/core';
import type { RDD, Time } from '@kindling/core';
import type { DStream } from '../src/index.ts';

declare const pairs: DStream<[string, number]>;
declare const initial: RDD<[string, number]>;

describe('updateStateByKey with rememberPartitioner (Scala\'s rows and time forms)', () => {
  it('types the rows and time forms with a boolean third argument', () => {
    const rows = (it: Iterable<[string, number[], number | undefined]>): Iterable<[string, number]> => [...it].map(([k, vs]) => [k, vs.length] as [string, number]);
    expectTypeOf(pairs.updateStateByKey(rows, new HashPartitioner(2), true)).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(pairs.updateStateByKey(rows, new HashPartitioner(2), false, initial)).toEqualTypeOf<DStream<[string, number]>>();
    expectTypeOf(pairs.updateStateByKey((t: Time, k: string, vs: number[], s: number | undefined) => (s ?? 0) + vs.length + t.milliseconds + k.length, 2, false, initial))
      .toEqualTypeOf<DStream<[string, number]>>();
  });

  it('the (values, state) form has no rememberPartitioner, as in Scala', () => {
    // @ts-expect-error rememberPartitioner only goes with the rows and time forms
    pairs.updateStateByKey((vs: number[], s: number | undefined) => (s ?? 0) + vs.length, 2, true);
  });
});
