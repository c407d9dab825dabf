import type { XorShiftRandom } from './xor-shift-random.ts';

/**
 * A sampling fraction that yields at least `sampleSize` of `total` elements with
 * probability about 0.9999, as Spark's `SamplingUtils.computeFractionForSampleSize`
 * (Poisson bounds with replacement, binomial bounds without).
 */
export function fractionForSampleSize(sampleSize: number, total: number, withReplacement: boolean): number {
  if (withReplacement) {
    const stds = sampleSize < 6 ? 12 : sampleSize < 16 ? 9 : 6;
    return Math.max(sampleSize + stds * Math.sqrt(sampleSize), 1e-10) / total;
  }
  const fraction = sampleSize / total;
  const gamma = -Math.log(1e-4) / total;
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
}

/** Shuffles `xs` in place (Fisher-Yates) with `rng`; returns it. */
export function shuffleInPlace<T>(xs: T[], rng: XorShiftRandom): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}
