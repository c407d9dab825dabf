import { describe, expect, it } from 'vitest';
import { combineCombinersByKey, combineValuesByKey, MapSideCombiner } from './combine.ts';

const sum = { createCombiner: (v: number) => v, mergeValue: (c: number, v: number) => c + v, mergeCombiners: (a: number, b: number) => a + b };

describe('combining by key', () => {
  it('combines values per key, primitive and tuple keys alike', () => {
    const recs: [unknown, number][] = [['a', 1], [['t', 1], 2], ['a', 3], [['t', 1], 4], [undefined, 5], [undefined, 6]];
    expect(combineValuesByKey(recs, sum)).toEqual([['a', 4], [undefined, 11], [['t', 1], 6]]);
  });

  it('keeps an undefined combiner as a value, not as "absent"', () => {
    const agg = { createCombiner: () => undefined, mergeValue: (c: undefined) => c, mergeCombiners: (a: undefined) => a };
    expect(combineValuesByKey([['k', 1], ['k', 2]], agg)).toEqual([['k', undefined]]);
  });

  it('merges combiners across blocks', () => {
    expect(combineCombinersByKey<string, number>([[['a', 1], ['b', 2]], [['a', 10]], []], (a, b) => a + b)).toEqual([['a', 11], ['b', 2]]);
  });

  it('MapSideCombiner streams records in', () => {
    const c = new MapSideCombiner(sum);
    for (const r of [['x', 1], ['y', 2], ['x', 3]] as [string, number][]) c.insert(r);
    expect(c.result()).toEqual([['x', 4], ['y', 2]]);
  });
});
