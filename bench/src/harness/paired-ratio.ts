import { median } from './median.ts';

/** One system's timed runs: the records each run processed and each run's time (wall or CPU), ms. */
export interface RunSeries {
  records: number;
  ms: readonly number[];
}

/**
 * A system's speed over a baseline's as the median of per-round ratios: for each round `i`
 * both ran in, (records / `ms[i]`) over (the baseline's records / its `ms[i]`). When the runs of
 * one round ran back to back (interleaved), a load that moves between rounds slows both sides
 * of a round alike and cancels in that round's ratio; the median leaves out rounds the load
 * changed within. NaN when either has no run.
 */
export function pairedRatio(system: RunSeries, baseline: RunSeries): number {
  const n = Math.min(system.ms.length, baseline.ms.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((system.records / system.ms[i]!) / (baseline.records / baseline.ms[i]!));
  return median(ratios);
}

/**
 * The same ratio from each side's median run: what a ratio can be when the two ran at different
 * times (one process after the other), where nothing pairs run `i` of one with run `i` of the other.
 */
export function ratioOfMedians(system: RunSeries, baseline: RunSeries): number {
  return (system.records / median(system.ms)) / (baseline.records / median(baseline.ms));
}

/** What {@link speedRatio} reads of a system's result. */
export interface TimedRuns {
  records: number;
  runsMs: readonly number[];
  runsCpuMs?: readonly number[];
}

/**
 * `system`'s speed over `baseline`'s by wall time or by CPU time (records per ms of each):
 * paired per round ({@link pairedRatio}) when their runs were interleaved, from medians
 * ({@link ratioOfMedians}) when they ran one process after the other.
 */
export function speedRatio(system: TimedRuns, baseline: TimedRuns, paired: boolean, clock: 'wall' | 'cpu'): number {
  const series = (r: TimedRuns): RunSeries => ({ records: r.records, ms: (clock === 'wall' ? r.runsMs : r.runsCpuMs) ?? [] });
  return (paired ? pairedRatio : ratioOfMedians)(series(system), series(baseline));
}
