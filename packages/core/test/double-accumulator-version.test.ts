import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';
import { DoubleAccumulator } from '../src/index.ts';

describe('SparkContext.doubleAccumulator and version', () => {
  const ctx = useSparkContext();

  it('DoubleAccumulator sums, counts and averages fractional values from tasks (AccumulatorV2 semantics)', async () => {
    const acc = ctx.sc.doubleAccumulator('ratio');
    expect(acc).toBeInstanceOf(DoubleAccumulator);
    expect(acc.isZero()).toBe(true);
    await ctx.sc.parallelize([0.5, 1.25, 2.25], 3).foreach((x) => acc.add(x));
    expect(acc.name).toBe('ratio');
    expect(acc.value).toBe(4);
    expect(acc.sum).toBe(4);
    expect(acc.count).toBe(3);
    expect(acc.avg).toBeCloseTo(4 / 3, 12);
    const c = acc.copy();
    expect(c).toBeInstanceOf(DoubleAccumulator);
    expect([c.sum, c.count]).toEqual([4, 3]);
    acc.reset();
    expect(acc.isZero()).toBe(true);
    acc.merge(c);
    acc.merge(c);
    expect([acc.sum, acc.count]).toEqual([8, 6]);
    expect(acc.toString()).toMatch(/^DoubleAccumulator\(id: \d+, name: ratio, value: 8\)$/);
    expect(new DoubleAccumulator().avg).toBeNaN();
  });

  it('version is the @kindling/core package version (the constant tracks package.json)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(pkg.name).toBe('@kindling/core');
    expect(ctx.sc.version).toBe(pkg.version);
    expect(ctx.sc.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
