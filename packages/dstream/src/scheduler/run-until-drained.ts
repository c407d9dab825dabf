import { ManualClock } from '@kindling/core';
import type { InputDStream } from '../input/input-dstream.ts';
import type { StreamingContext } from '../streaming-context.ts';

/** How {@link runUntilDrained} ended. */
export type DrainOutcome = 'drained' | 'failed' | 'stopped' | 'timed-out';

/** Options of {@link runUntilDrained}. */
export interface DrainOptions {
  /** Give up after this many ms (wall clock). Default: no limit. */
  readonly timeoutMs?: number;
  /** Checked before each step: false ends the wait (`stopped`), e.g. once the context stopped. */
  readonly keepGoing?: () => boolean;
}

/**
 * Runs batches until none of `inputs` has input waiting for a batch (`hasPendingInput()`):
 * the one "run until the input is drained" behind a graceful stop (receivers' data) and
 * `processAllAvailable()` (every input). With a `ManualClock` the clock is advanced to the next
 * batch time, batch by batch (nothing else would move it); with the system clock it waits
 * for the timer. It does not wait for the batches it caused to complete: callers do that
 * (the job scheduler's queue drain, or `whenIdle()`).
 *
 * Ends `failed` as soon as a batch has failed (the context is stopping), `stopped` when
 * `keepGoing()` says so, `timed-out` after `timeoutMs`.
 */
export async function runUntilDrained(ssc: StreamingContext, inputs: readonly InputDStream<unknown>[], options: DrainOptions = {}): Promise<DrainOutcome> {
  const gen = ssc.scheduler.jobGenerator;
  const jobs = ssc.scheduler.jobScheduler;
  const stepMs = Math.min(50, ssc.batchDuration.milliseconds);
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  while (inputs.some((s) => s.hasPendingInput?.() === true)) {
    if (jobs.failure !== undefined) return 'failed';
    if (options.keepGoing?.() === false) return 'stopped';
    if (Date.now() > deadline) return 'timed-out';
    const clock = ssc.clock;
    if (clock instanceof ManualClock) {
      try {
        await clock.advance(Math.max(0, gen.nextBatchTime.milliseconds - clock.getTimeMillis()));
      } catch (e) {
        // Advancing runs the batches, and passes on a batch's failure: the context is stopping.
        if (jobs.failure !== undefined) return 'failed';
        throw e;
      }
    } else {
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
  return jobs.failure === undefined ? 'drained' : 'failed';
}
