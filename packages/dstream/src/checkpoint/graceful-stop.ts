import { ManualClock } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { JobScheduler } from '../scheduler/job-scheduler.ts';
import { isReceiverInput } from './write-ahead-log-block-store.ts';

/**
 * The first half of a graceful stop (Spark's `ReceiverTracker.stop(graceful = true)` and
 * `JobGenerator.stop(processReceivedData = true)`): stops every receiver (each flushes its
 * last block), then lets batches keep being generated until every received block has been
 * given to a batch. The caller then stops the generator and drains the queued batches.
 *
 * With a `ManualClock` the clock is advanced batch by batch (nothing else would move it).
 * From inside an output operation, nothing waits (the running batch would wait for itself):
 * blocks not yet in a batch stay in the write-ahead log, if there is one, for the next run.
 */
export async function stopReceiversAndDrain(ssc: StreamingContext): Promise<void> {
  const receivers = ssc.graph.inputStreams.filter(isReceiverInput);
  if (receivers.length === 0) return;
  await Promise.all(receivers.map((r) => r.stop()));
  if (JobScheduler.isInsideOutputOperation()) return;
  const gen = ssc.scheduler.jobGenerator;
  const jobs = ssc.scheduler.jobScheduler;
  const batchMs = ssc.batchDuration.milliseconds;
  while (receivers.some((r) => r.hasPendingInput?.() === true) && jobs.failure === undefined) {
    const clock = ssc.clock;
    if (clock instanceof ManualClock) await clock.advance(Math.max(0, gen.nextBatchTime.milliseconds - clock.getTimeMillis()));
    else await new Promise((r) => setTimeout(r, Math.min(50, batchMs)));
  }
}
