import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';

describe('Broadcast and LongAccumulator', () => {
  const ctx = useSparkContext();

  it('tasks read a broadcast value; destroy makes later use fail', async () => {
    const lookup = ctx.sc.broadcast(new Map([[1, 'one'], [2, 'two']]));
    expect(await ctx.sc.parallelize([1, 2], 2).map((x) => lookup.value.get(x)).collect()).toEqual(['one', 'two']);
    lookup.unpersist();
    expect(lookup.value.size).toBe(2);
    lookup.destroy();
    expect(() => lookup.value).toThrow(/after it was destroyed/);
  });

  it('LongAccumulator sums, counts and averages', async () => {
    const acc = ctx.sc.longAccumulator('bytes');
    expect(acc.isZero()).toBe(true);
    await ctx.sc.parallelize([2, 4, 6], 3).foreach((x) => acc.add(x));
    expect(acc.name).toBe('bytes');
    expect(acc.value).toBe(12);
    expect(acc.sum).toBe(12);
    expect(acc.count).toBe(3);
    expect(acc.avg).toBe(4);
    const c = acc.copy();
    acc.reset();
    expect(acc.isZero()).toBe(true);
    acc.merge(c);
    expect(acc.value).toBe(12);
  });
});
