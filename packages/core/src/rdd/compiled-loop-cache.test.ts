import { describe, expect, it } from 'vitest';
import { compiledChain, compiledChainFactories } from './record-pipeline.ts';
import { compiledCombine } from './compiled-combine.ts';
import type { ChainFailure, RecordOp } from './record-pipeline.ts';

const rethrow: ChainFailure = (_k, e) => { throw e; };

// What a `transform((rdd) => rdd.map((x) => x * factor))` does every batch: a new closure of
// the same source, capturing another value.
function scaled(factor: number): RecordOp {
  return { kind: 'map', f: (x: unknown) => (x as number) * factor };
}
function above(limit: number): RecordOp {
  return { kind: 'filter', f: (x: unknown) => (x as number) > limit };
}

describe('compiled loop cache', () => {
  it('reuses the compiled loop of a chain whose functions are new closures of the same source, with their own captures', () => {
    const first = compiledChain([scaled(2), above(5)]).collect([1, 2, 3, 4], rethrow);
    expect(first).toEqual([6, 8]);
    const before = compiledChainFactories();
    for (let batch = 3; batch < 20; batch++) {
      const out = compiledChain([scaled(batch), above(batch * 2)]).collect([1, 2, 3, 4], rethrow);
      expect(out).toEqual([1, 2, 3, 4].map((x) => x * batch).filter((x) => x > batch * 2));
    }
    expect(compiledChainFactories()).toBe(before);
  });

  it('compiles a chain of another source or shape apart', () => {
    compiledChain([scaled(2), above(5)]);
    const before = compiledChainFactories();
    const other = compiledChain([{ kind: 'map', f: (x: unknown) => (x as number) + 100 }, above(0)]).collect([1, 2], rethrow);
    expect(other).toEqual([101, 102]);
    expect(compiledChainFactories()).toBe(before + 1);
    const flat = compiledChain([{ kind: 'flatMap', f: (x: unknown) => [x, x] }, above(1)]).collect([1, 2], rethrow);
    expect(flat).toEqual([2, 2]);
    expect(compiledChainFactories()).toBe(before + 2);
  });

  it('combines with new closures of the same source using each one\'s captures', () => {
    for (let batch = 1; batch < 6; batch++) {
      const keyed: RecordOp = { kind: 'map', f: (w: unknown) => [w, batch] };
      const combine = compiledCombine([keyed], { createCombiner: (v: unknown) => v, mergeValue: (a: unknown, b: unknown) => (a as number) + (b as number), mergeCombiners: (a: unknown, b: unknown) => (a as number) + (b as number) });
      expect(combine([['a', 'b', 'a']], rethrow).pairs()).toEqual([['a', 2 * batch], ['b', batch]]);
    }
  });
});
