import { describe, expect, it } from 'vitest';
import { DEFAULT_WARM_UP, warmedUp } from './src/harness/warm-up.ts';
import type { WarmUpRule } from './src/harness/warm-up.ts';

const rule: WarmUpRule = { window: 3, tolerance: 0.05, minRuns: 6, minCpuMs: 0, maxRuns: 12, maxMs: 1_000 };

/** The number of warm-up runs the rule asks for on a series of per-run CPU times (the series as long as needed). */
function runsTaken(series: (i: number) => number, r: WarmUpRule = rule, msPerRun = 1): number {
  const seen: number[] = [];
  while (!warmedUp(seen, seen.length * msPerRun, r)) seen.push(series(seen.length));
  return seen.length;
}

describe('the warm-up rule of pnpm bench', () => {
  it('stops at the minimum when the system is warm from the start', () => {
    expect(runsTaken(() => 10)).toBe(6);
  });

  it('goes on while the last three runs are more than 5% faster than the three before', () => {
    // 40, 38, 36, ... falling by 2 a run, flat at 20 from index 10. Computed by hand: after n runs
    // the windows are indexes [n-6, n-3) and [n-3, n) with medians f(n-5) and f(n-2): n = 13 compares
    // f(8) = 24 with f(11) = 20 (17% faster), n = 14 f(9) = 22 with 20 (9%), n = 15 20 with 20: warm.
    const f = (i: number): number => Math.max(20, 40 - 2 * i);
    expect(runsTaken(f, { ...rule, maxRuns: 40 })).toBe(15);
    // The same series under a cap of 12 runs: taken as it is at the cap.
    expect(runsTaken(f)).toBe(12);
  });

  it('does not stop on one slow run (a median, not the last run)', () => {
    // Flat at 10 with run 4 (index 4) at 30: windows [0..2] and [3..5] have medians 10 and 10.
    expect(runsTaken((i) => (i === 4 ? 30 : 10))).toBe(6);
    // Falling with one fast outlier: 30 at every run below 9, one 5 at index 5: still falling, goes on.
    const series = (i: number): number => (i === 5 ? 5 : i < 9 ? 30 - 2 * i : 12);
    expect(runsTaken(series, { ...rule, maxRuns: 40 })).toBeGreaterThan(6);
  });

  it('goes on until the warm-up runs together used the minimum CPU time, however flat the runs', () => {
    // Runs of 7 ms each, flat from the start: with a floor of 100 ms the 15th run brings the
    // sum to 105 (14 runs: 98), so 15 runs; with runs of 30 ms the minimum of 6 runs (180 ms)
    // already passes it.
    const floored = { ...rule, minCpuMs: 100, maxRuns: 40 };
    expect(runsTaken(() => 7, floored)).toBe(15);
    expect(runsTaken(() => 30, floored)).toBe(6);
    // Past the floor the windows still decide: 20 ms falling by 1 a run to 5 from index 15 (the
    // first 6 runs sum to 105 >= 100, but the runs still fall 5% a window until the flat part):
    // n = 18 compares f(13) = 7 with f(16) = 5, n = 19 f(14) = 6 with 5, n = 20 5 with 5: warm.
    expect(runsTaken((i) => Math.max(5, 20 - i), floored)).toBe(20);
    // The caps still end it: runs of 1 ms under a floor of 100 ms and at most 40 runs.
    expect(runsTaken(() => 1, floored)).toBe(40);
  });

  it('stops at the caps: runs, then wall time', () => {
    expect(runsTaken((i) => 1000 / (i + 1))).toBe(12);
    expect(runsTaken((i) => 1000 / (i + 1), rule, 400)).toBe(3);
    expect(warmedUp([], 0, { ...rule, maxRuns: 0 })).toBe(true);
  });

  it('the default needs two windows and has caps', () => {
    expect(DEFAULT_WARM_UP.minRuns).toBeGreaterThanOrEqual(2 * DEFAULT_WARM_UP.window);
    expect(DEFAULT_WARM_UP.maxRuns).toBeGreaterThanOrEqual(DEFAULT_WARM_UP.minRuns);
    // A grep run's CPU (about 20 ms) under the default floor: warm only after 200 runs.
    expect(runsTaken(() => 20, DEFAULT_WARM_UP)).toBe(200);
    expect(warmedUp(Array.from({ length: DEFAULT_WARM_UP.maxRuns }, (_, i) => 100 - i * 4), 0)).toBe(true);
  });
});
