// sampleByKeyExact with PairRDDFunctionsSuite's "sampleByKeyExact" vectors (its
// StratifiedAuxiliary checks): for every key, exactly ceil(samplingRate * count) pairs; without
// replacement no pair twice; with replacement repeats once the sample is large; every element
// from the data.
import { describe, expect, it } from 'vitest';
import { HashPartitioner, type RDD } from '../src/index.ts';
import { useSparkContext } from './helpers.ts';

const stratifier = (fractionPositive: number) => (x: number): string => (x % 10 < Math.trunc(10 * fractionPositive) ? '1' : '0');
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

async function countByKey(rdd: RDD<[string, number]>): Promise<Map<string, number>> {
  return rdd.countByKey();
}

async function testBernoulli(data: RDD<[string, number]>, samplingRate: number, seed: number, n: number): Promise<void> {
  const trials = await countByKey(data);
  const sample = data.sampleByKeyExact(false, new Map([['1', samplingRate], ['0', samplingRate]]), seed);
  const counts = await countByKey(sample);
  for (const [k, v] of counts) expect(v, `key ${k}, rate ${samplingRate}`).toBe(Math.ceil(samplingRate * trials.get(k)!));
  for (const [k, t] of trials) if (Math.ceil(samplingRate * t) > 0) expect(counts.has(k)).toBe(true);
  const taken = await sample.collect();
  expect(new Set(taken.map(([, x]) => x)).size).toBe(taken.length);
  for (const [, x] of taken) expect(x >= 1 && x <= n).toBe(true);
}

async function testPoisson(data: RDD<[string, number]>, samplingRate: number, seed: number, n: number): Promise<void> {
  const trials = await countByKey(data);
  const sample = data.sampleByKeyExact(true, new Map([['1', samplingRate], ['0', samplingRate]]), seed);
  const counts = await countByKey(sample);
  for (const [k, v] of counts) expect(v, `key ${k}, rate ${samplingRate}`).toBe(Math.ceil(samplingRate * trials.get(k)!));
  const taken = await sample.collect();
  const byKey = new Map<string, number[]>();
  for (const [k, x] of taken) byKey.set(k, [...(byKey.get(k) ?? []), x]);
  for (const [k, xs] of byKey) {
    const expected = Math.ceil(trials.get(k)! * samplingRate);
    // Large enough for repeats with high likelihood (Spark's own bound).
    if (expected >= 100 && samplingRate >= 0.1) expect(new Set(xs).size).toBeLessThan(expected);
    else expect(new Set(xs).size).toBeLessThanOrEqual(expected);
  }
  for (const [, x] of taken) expect(x >= 1 && x <= n).toBe(true);
}

async function testSampleExact(data: RDD<[string, number]>, samplingRate: number, seed: number, n: number): Promise<void> {
  await testBernoulli(data, samplingRate, seed, n);
  await testPoisson(data, samplingRate, seed, n);
}

describe.each(['local[1]', 'local[2]'])('sampleByKeyExact under %s (PairRDDFunctionsSuite)', (master) => {
  const ctx = useSparkContext(master);
  const defaultSeed = 1;

  it('varies the RDD size', async () => {
    for (const n of [100, 1000, 10000]) {
      const data = ctx.sc.parallelize(range(n), 2).keyBy(stratifier(0.3));
      await testSampleExact(data, 0.1, defaultSeed, n);
    }
  });

  it('varies fractionPositive', async () => {
    for (const fractionPositive of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const data = ctx.sc.parallelize(range(100), 2).keyBy(stratifier(fractionPositive));
      await testSampleExact(data, 0.1, defaultSeed, 100);
    }
  });

  it('varies the seed and the sampling rate', async () => {
    const data = ctx.sc.parallelize(range(100), 2).keyBy(stratifier(0.3));
    for (let seed = defaultSeed; seed <= defaultSeed + 5; seed++) await testSampleExact(data, 0.1, seed, 100);
    for (const samplingRate of [0.01, 0.05, 0.1, 0.5]) await testSampleExact(data, samplingRate, defaultSeed, 100);
  });

  it('is deterministic per seed, keeps the partitioner, and runs its counting job once', async () => {
    const data = ctx.sc.parallelize(range(1000), 4).keyBy(stratifier(0.5)).partitionBy(new HashPartitioner(3));
    const fractions = new Map([['1', 0.2], ['0', 0.6]]);
    const a = data.sampleByKeyExact(false, fractions, 42);
    const b = data.sampleByKeyExact(false, fractions, 42);
    expect(a.partitioner).toBe(data.partitioner);
    const jobs: string[] = [];
    ctx.sc.addJobListener({ onJobStart: (e) => jobs.push(e.callSite) });
    const first = await a.collect();
    expect(await a.collect()).toEqual(first);
    expect(jobs.filter((j) => j === 'sampleByKeyExact')).toHaveLength(1);
    expect(await b.collect()).toEqual(first);
    expect(await data.sampleByKeyExact(false, fractions, 43).collect()).not.toEqual(first);
    expect(first).toHaveLength(100 + 300);
  });

  it('takes every pair at fraction 1 and none at 0, and refuses bad fractions as sampleByKey does', async () => {
    const data = ctx.sc.parallelize([['a', 1], ['b', 2], ['a', 3]] as [string, number][], 2);
    expect(await data.sampleByKeyExact(false, new Map([['a', 1], ['b', 0]]), 3).collect()).toEqual([['a', 1], ['a', 3]]);
    expect(() => data.sampleByKeyExact(false, new Map([['a', -0.5]]))).toThrow(/Negative sampling rates/);
    expect(() => data.sampleByKeyExact(false, new Map([['a', 1.5]]))).toThrow(/must be in \[0, 1\] when sampling without replacement/);
    expect(await data.sampleByKeyExact(true, new Map([['a', 2], ['b', 1]]), 3).count()).toBe(5);
    await expect(data.sampleByKeyExact(false, new Map([['a', 0.5]])).collect()).rejects.toThrow(/no fraction given for key b/);
  });
});
