// The approximate actions and PartialResult, with the final values of Spark's evaluators
// (CountEvaluator, GroupedCountEvaluator, SumEvaluator, MeanEvaluator: BoundedDouble(v, 1.0, v, v)
// once every task has reported) and PartialResult's contract (PartialResult.scala).
import { describe, expect, it } from 'vitest';
import { BoundedDouble, PartialResult } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

describe.each(['local[1]', 'local[2]'])('approximate actions under %s', (master) => {
  const ctx = useSparkContext(master);

  it('countApprox is exact and final when the job ends', async () => {
    const r = await ctx.sc.parallelize(Array.from({ length: 100 }, (_, i) => i + 1), 3).countApprox(1000);
    expect(r.isInitialValueFinal).toBe(true);
    expect(r.initialValue.equals(new BoundedDouble(100, 1, 100, 100))).toBe(true);
    expect((await r.getFinalValue()).mean).toBe(100);
    expect(r.toString()).toBe('(final: [100.000, 100.000])');
    const empty = await ctx.sc.parallelize([], 4).countApprox(10, 0.5);
    expect(empty.initialValue.equals(new BoundedDouble(0, 1, 0, 0))).toBe(true);
  });

  it('countApprox and countByValueApprox check the confidence as Spark does', async () => {
    const rdd = ctx.sc.parallelize([1, 2], 2);
    await expect(rdd.countApprox(10, 1.5)).rejects.toThrow('confidence (1.5) must be in [0,1]');
    await expect(rdd.countApprox(10, -0.1)).rejects.toThrow('confidence (-0.1) must be in [0,1]');
    await expect(rdd.countByValueApprox(10, 2)).rejects.toThrow('confidence (2) must be in [0,1]');
    expect((await rdd.countApprox(10, 0)).initialValue.mean).toBe(2);
    expect((await rdd.countApprox(10, 1)).initialValue.mean).toBe(2);
  });

  it('countByValueApprox and countByKeyApprox count every value and key exactly', async () => {
    const words = ctx.sc.parallelize(['a', 'b', 'a', 'c', 'a', 'b'], 3);
    const byValue = (await words.countByValueApprox(1000)).initialValue;
    expect([...byValue].map(([k, b]) => [k, b.mean, b.low, b.high, b.confidence]).sort()).toEqual([
      ['a', 3, 3, 3, 1],
      ['b', 2, 2, 2, 1],
      ['c', 1, 1, 1, 1],
    ]);
    const pairs = ctx.sc.parallelize([[1, 'x'], [2, 'y'], [1, 'z']] as [number, string][], 2);
    const byKey = await pairs.countByKeyApprox(1000, 0.9);
    expect(byKey.isInitialValueFinal).toBe(true);
    expect([...(await byKey.getFinalValue())].map(([k, b]) => [k, b.mean]).sort()).toEqual([[1, 2], [2, 1]]);
    expect(byKey.toString()).toMatch(/^\(final: Map\((1 -> \[2\.000, 2\.000\], 2 -> \[1\.000, 1\.000\]|2 -> \[1\.000, 1\.000\], 1 -> \[2\.000, 2\.000\])\)\)$/);
  });

  it('sumApprox and meanApprox are StatCounter sum and mean, final', async () => {
    // MeanEvaluatorSuite's counter of 1, 3, 2, all outputs merged: mean 2.0 at confidence 1.0.
    const nums = ctx.sc.parallelize([1, 3, 2], 1);
    expect((await nums.meanApprox(1000)).initialValue.equals(new BoundedDouble(2, 1, 2, 2))).toBe(true);
    expect((await nums.sumApprox(1000)).initialValue.equals(new BoundedDouble(6, 1, 6, 6))).toBe(true);
    const many = ctx.sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4);
    expect((await many.sumApprox(10, 0.95)).initialValue.mean).toBe(499500);
    expect((await many.meanApprox(10)).initialValue.mean).toBe(499.5);
    const none = ctx.sc.parallelize<number>([], 2);
    expect((await none.sumApprox(10)).initialValue.equals(new BoundedDouble(0, 1, 0, 0))).toBe(true);
    expect((await none.meanApprox(10)).initialValue.mean).toBe(0);
  });

  it('a failing job rejects the approximate action with the task error', async () => {
    const bad = ctx.sc.parallelize([1, 2, 3], 3).map((x) => { if (x === 2) throw new Error('boom'); return x; });
    await expect(bad.countApprox(100)).rejects.toThrow(/boom/);
  });
});

describe('BoundedDouble', () => {
  it('compares all four numbers and prints its interval as Spark does', () => {
    // SumEvaluatorSuite: "Sanity check that equality works on BoundedDouble".
    expect(new BoundedDouble(2.0, 0.95, 1.1, 1.2).equals(new BoundedDouble(2.0, 0.95, 1.1, 1.2))).toBe(true);
    expect(new BoundedDouble(2.0, 0.95, 1.1, 1.2).equals(new BoundedDouble(2.0, 0.9, 1.1, 1.2))).toBe(false);
    expect(new BoundedDouble(Number.NaN, 0.95, 1, 2).equals(new BoundedDouble(Number.NaN, 0.95, 1, 2))).toBe(false);
    expect(new BoundedDouble(0, 0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY).toString()).toBe('[-Infinity, Infinity]');
    expect(new BoundedDouble(78, 0.95, -117.61697267642742, 273.6169726764274).toString()).toBe('[-117.617, 273.617]');
  });
});

describe('PartialResult', () => {
  it('a final result calls its completion handler at once and maps final', async () => {
    const r = new PartialResult(4, true);
    const seen: number[] = [];
    expect(r.onComplete((v) => seen.push(v))).toBe(r);
    expect(seen).toEqual([4]);
    expect(() => r.onComplete(() => {})).toThrow('onComplete cannot be called twice');
    const m = r.map((v) => v * 10);
    expect(m.isInitialValueFinal).toBe(true);
    expect(await m.getFinalValue()).toBe(40);
    expect(m.toString()).toBe('(final: 40)');
  });

  it('a partial result completes once, calling its handler, its waiters and its maps', async () => {
    const r = new PartialResult(1, false);
    const m = r.map((v) => `v${v}`);
    const seen: number[] = [];
    r.onComplete((v) => seen.push(v));
    const waiting = r.getFinalValue();
    expect(r.toString()).toBe('(partial: 1)');
    expect(m.toString()).toBe('(partial: v1)');
    r.setFinalValue(7);
    expect(seen).toEqual([7]);
    expect(await waiting).toBe(7);
    expect(await m.getFinalValue()).toBe('v7');
    expect(r.toString()).toBe('(final: 7)');
    expect(() => r.setFinalValue(8)).toThrow('setFinalValue called twice on a PartialResult');
  });

  it('a failed result rejects its waiters and calls its failure handler', async () => {
    const r = new PartialResult(0, false);
    const waiting = r.getFinalValue();
    const failures: string[] = [];
    r.onFail((e) => failures.push(e.message));
    r.setFailure(new Error('job failed'));
    await expect(waiting).rejects.toThrow('job failed');
    expect(failures).toEqual(['job failed']);
    expect(() => r.onFail(() => {})).toThrow('onFail cannot be called twice');
    expect(() => r.setFailure(new Error('again'))).toThrow('setFailure called twice on a PartialResult');
  });
});
