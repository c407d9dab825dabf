import { describe, expect, it } from 'vitest';
import { CollectionAccumulator, LongAccumulator } from '@kindling/core';
import { useSparkContext } from './helpers.ts';

describe('CollectionAccumulator', () => {
  const ctx = useSparkContext();

  // Spark's AccumulatorV2Suite, "ListAccumulator".
  it('adds, copies, resets and merges as Spark\'s ListAccumulator test', () => {
    const acc = new CollectionAccumulator<number>();
    expect(acc.value).toEqual([]);
    expect(acc.isZero()).toBe(true);
    acc.add(0.0);
    expect(acc.value).toContain(0.0);
    expect(acc.isZero()).toBe(false);
    acc.add(1.0);
    const acc2 = acc.copyAndReset();
    expect(acc2.value).toEqual([]);
    expect(acc2.isZero()).toBe(true);
    expect(acc.value).toContain(1.0);
    expect(acc.isZero()).toBe(false);
    expect(acc.value.length).toBe(2);
    acc2.add(2.0);
    expect(acc2.value).toContain(2.0);
    expect(acc2.isZero()).toBe(false);
    expect(acc2.value.length).toBe(1);
    acc.merge(acc2);
    expect(acc.value).toContain(2.0);
    expect(acc.isZero()).toBe(false);
    expect(acc.value.length).toBe(3);
    const acc3 = acc.copy();
    expect(acc3.value).toContain(2.0);
    expect(acc3.isZero()).toBe(false);
    expect(acc3.value.length).toBe(3);
    acc3.reset();
    expect(acc3.isZero()).toBe(true);
    expect(acc3.value).toEqual([]);
    // The copy is its own: resetting it left the original's elements.
    expect(acc.value).toEqual([0, 1, 2]);
  });

  it('value is a copy: changing it changes nothing in the accumulator', () => {
    const acc = new CollectionAccumulator<string>('names');
    acc.add('a');
    acc.value.push('b');
    expect(acc.value).toEqual(['a']);
  });

  it('refuses to merge an accumulator of another kind', () => {
    const acc = new CollectionAccumulator<number>();
    expect(() => acc.merge(new LongAccumulator() as unknown as CollectionAccumulator<number>)).toThrow(/Cannot merge CollectionAccumulator with LongAccumulator/);
  });

  it('sc.collectionAccumulator collects what an action\'s tasks add, each element once, in partition order', async () => {
    const acc = ctx.sc.collectionAccumulator<number>('odd');
    expect(acc.name).toBe('odd');
    await ctx.sc.parallelize([1, 2, 3, 4, 5, 6, 7], 3).foreach((x) => { if (x % 2 === 1) acc.add(x); });
    expect(acc.value).toEqual([1, 3, 5, 7]);
    expect(acc.toString()).toBe(`CollectionAccumulator(id: ${acc.id}, name: odd, value: [1, 3, 5, 7])`);
  });

  it('ids are unique across accumulator kinds', () => {
    const ids = [ctx.sc.longAccumulator().id, ctx.sc.collectionAccumulator().id, ctx.sc.doubleAccumulator().id, ctx.sc.collectionAccumulator().id];
    expect(new Set(ids).size).toBe(4);
  });

  it('drains its elements as a structured-cloneable delta that another copy merges once', () => {
    const worker = new CollectionAccumulator<{ k: string; n: number }>();
    const driver = new CollectionAccumulator<{ k: string; n: number }>();
    worker.add({ k: 'a', n: 1 });
    worker.add({ k: 'b', n: 2 });
    driver.mergeDelta(structuredClone(worker.drainDelta()));
    expect(worker.isZero()).toBe(true);
    driver.mergeDelta(structuredClone(worker.drainDelta()));
    expect(driver.value).toEqual([{ k: 'a', n: 1 }, { k: 'b', n: 2 }]);
  });
});
