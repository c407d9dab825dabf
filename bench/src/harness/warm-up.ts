import { median } from './median.ts';

/**
 * When a system counts as warm (`pnpm bench`'s default warm-up; `--warmups N` replaces it with a
 * fixed count). Every system on every workload is held to the same rule, applied to the CPU
 * time of the whole process per run (every thread's: the JIT compiling on its own threads is
 * what a cold run pays beyond a warm one, and CPU time moves less than wall time when other
 * processes load the machine). See BENCHMARKS.md, "How it measures", for the measurements
 * behind the numbers.
 */
export interface WarmUpRule {
  /** Runs per window: the median of the last `window` runs is compared with the median of the `window` before. */
  window: number;
  /** Warm once the last window's median is less than this fraction faster than the window before it (0.05: 5%). */
  tolerance: number;
  /** Warm-up runs at least (after the verifying run), so that two windows can be compared. */
  minRuns: number;
  /**
   * CPU time of the warm-up runs together at least (ms). V8 optimises a function once it has run
   * enough, so what decides whether an engine's per-batch functions are compiled is how much it
   * has run, not how many runs: a short run (grep's, about 20 ms) does a tenth of the work of a
   * long one (orders-book's, about 1.5 s), and the same number of runs leaves it cold.
   */
  minCpuMs: number;
  /** Warm-up runs at most: past these the system is taken as it is. */
  maxRuns: number;
  /** Wall time of warm-up at most (ms), for the slow systems (Beam's direct runner): past it the system is taken as it is. */
  maxMs: number;
}

/** The default rule of `pnpm bench`. */
export const DEFAULT_WARM_UP: WarmUpRule = { window: 3, tolerance: 0.05, minRuns: 10, minCpuMs: 4_000, maxRuns: 1_000, maxMs: 60_000 };

/**
 * Whether `cpuMs` (CPU time of each warm-up run so far, oldest first) says the system is warm
 * under `rule`, or the rule's caps are reached (`elapsedMs`: wall time of the warm-up so far).
 */
export function warmedUp(cpuMs: readonly number[], elapsedMs: number, rule: WarmUpRule = DEFAULT_WARM_UP): boolean {
  const n = cpuMs.length;
  if (n >= rule.maxRuns || elapsedMs >= rule.maxMs) return true;
  if (n < Math.max(rule.minRuns, 2 * rule.window)) return false;
  let cpu = 0;
  for (let i = 0; i < n; i++) cpu += cpuMs[i]!;
  if (cpu < rule.minCpuMs) return false;
  const last = median(cpuMs.slice(n - rule.window));
  const before = median(cpuMs.slice(n - 2 * rule.window, n - rule.window));
  return last >= before * (1 - rule.tolerance);
}
