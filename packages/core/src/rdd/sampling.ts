// The RDD's random sampling methods (`sample`, `randomSplit`, `takeSample`, `sampleByKey`):
// the class's methods delegate here. Each partition draws from its own generator seeded with
// `seed + partition index`, as Spark's samplers, so a sample is deterministic per seed.
import type { RDD } from './rdd.ts';
import { invariant } from '../util/invariant.ts';
import { KeyMap } from '../util/key-map.ts';
import { XorShiftRandom } from '../util/xor-shift-random.ts';
import { fractionForSampleSize, shuffleInPlace } from '../util/sample-size.ts';

/** See {@link RDD.sample}. */
export function sample<T>(rdd: RDD<T>, withReplacement: boolean, fraction: number, seed: number): RDD<T> {
  invariant(fraction >= 0, `Negative fraction value: ${fraction}; sample needs a fraction >= 0`);
  if (!withReplacement) invariant(fraction <= 1, `Fraction ${fraction} must be in [0, 1] when sampling without replacement`);
  return rdd.mapPartitionsWithIndex((index, it) => {
    const rng = new XorShiftRandom(seed + index);
    const data = it as readonly T[];
    const out: T[] = [];
    if (withReplacement) {
      for (let i = 0; i < data.length; i++) for (let c = rng.nextPoisson(fraction); c > 0; c--) out.push(data[i]!);
    } else {
      for (let i = 0; i < data.length; i++) if (rng.nextDouble() < fraction) out.push(data[i]!);
    }
    return out;
  }, true).withScope('sample');
}

/** See {@link RDD.randomSplit}. */
export function randomSplit<T>(rdd: RDD<T>, weights: readonly number[], seed: number): RDD<T>[] {
  invariant(weights.every((w) => w >= 0), `Weights must be nonnegative, got ${weights.join(', ')}`);
  const total = weights.reduce((a, b) => a + b, 0);
  invariant(total > 0, `Sum of weights must be positive, got ${total}`);
  const bounds = [0];
  for (const w of weights) bounds.push(bounds[bounds.length - 1]! + w / total);
  return weights.map((_, s) => {
    const lower = bounds[s]!;
    const upper = s === weights.length - 1 ? Number.POSITIVE_INFINITY : bounds[s + 1]!;
    return rdd.mapPartitionsWithIndex((index, it) => {
      const rng = new XorShiftRandom(seed + index);
      const data = it as readonly T[];
      const out: T[] = [];
      for (let i = 0; i < data.length; i++) {
        const x = rng.nextDouble();
        if (x >= lower && x < upper) out.push(data[i]!);
      }
      return out;
    }, true).withScope('randomSplit');
  });
}

/** See {@link RDD.takeSample}. */
export async function takeSample<T>(rdd: RDD<T>, withReplacement: boolean, num: number, seed: number): Promise<T[]> {
  invariant(Number.isInteger(num) && num >= 0, `Negative number of elements requested: ${num}`);
  if (num === 0) return [];
  const total = await rdd.count();
  if (total === 0) return [];
  const rng = new XorShiftRandom(seed);
  if (!withReplacement && num >= total) return shuffleInPlace(await rdd.collect(), rng);
  const fraction = fractionForSampleSize(num, total, withReplacement);
  let samples = await rdd.sample(withReplacement, fraction, rng.nextInt(0x7fffffff)).collect();
  while (samples.length < num) samples = await rdd.sample(withReplacement, fraction, rng.nextInt(0x7fffffff)).collect();
  return shuffleInPlace(samples, rng).slice(0, num);
}

/** See {@link RDD.sampleByKey}. */
export function sampleByKey<K, V>(rdd: RDD<[K, V]>, withReplacement: boolean, fractions: ReadonlyMap<K, number>, seed: number): RDD<[K, V]> {
  const rates = new KeyMap<K, number>();
  for (const [k, f] of fractions) {
    invariant(f >= 0, `Negative fraction value: ${f} for key ${String(k)}; sampleByKey needs fractions >= 0`);
    if (!withReplacement) invariant(f <= 1, `Fraction ${f} for key ${String(k)} must be in [0, 1] when sampling without replacement`);
    rates.set(k, f);
  }
  const rateOf = (k: K): number => {
    const f = rates.get(k);
    if (f === undefined) throw new Error(`sampleByKey: no fraction given for key ${String(k)}; fractions must name every key of the RDD`);
    return f;
  };
  return rdd.mapPartitionsWithIndex((index, it) => {
    const rng = new XorShiftRandom(seed + index);
    const data = it as readonly [K, V][];
    const out: [K, V][] = [];
    if (withReplacement) {
      for (let i = 0; i < data.length; i++) for (let c = rng.nextPoisson(rateOf(data[i]![0])); c > 0; c--) out.push(data[i]!);
    } else {
      for (let i = 0; i < data.length; i++) if (rng.nextDouble() < rateOf(data[i]![0])) out.push(data[i]!);
    }
    return out;
  }, true).withScope('sampleByKey');
}
