/** One latency trial: hold `intervalMs` batches for `seconds` at `rate` records/s over `pool`. */
export interface TrialParams {
  pool: readonly string[];
  /** Each batch counts the records containing it (Grep: light work, so the trial measures the batching). */
  pattern: string;
  rate: number;
  intervalMs: number;
  seconds: number;
}

/** How long after the offer ends a trial waits for the last batches: two intervals, at least 200 ms. */
export function graceMs(intervalMs: number): number {
  return Math.max(200, 2 * intervalMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
