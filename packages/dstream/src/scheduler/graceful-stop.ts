import { getLogger } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { JobScheduler } from './job-scheduler.ts';
import { ReceiverInputDStream } from '../input/receiver-input-dstream.ts';
import { runUntilDrained } from './run-until-drained.ts';

const log = getLogger('ReceiverTracker');

/**
 * The first half of a graceful stop (Spark's `ReceiverTracker.stop(graceful = true)` and
 * `JobGenerator.stop(processReceivedData = true)`): stops every receiver (each flushes its
 * last block), then lets batches keep being generated until every received block has been
 * given to a batch. The caller then stops the generator and drains the queued batches.
 *
 * The waiting is {@link runUntilDrained}, as for `processAllAvailable()`. From inside an output operation, nothing waits (the running batch would wait for itself):
 * blocks not yet in a batch stay in the write-ahead log, if there is one, for the next run.
 * Gives up (with a warning) after `timeoutMs` (`spark.streaming.gracefulStopTimeout`).
 */
export async function stopReceiversAndDrain(ssc: StreamingContext, timeoutMs: number): Promise<void> {
  const receivers = ssc.graph.inputStreams.filter((s) => s instanceof ReceiverInputDStream);
  if (receivers.length === 0) return;
  await Promise.all(receivers.map((r) => r.stop()));
  if (JobScheduler.isInsideOutputOperation()) return;
  const outcome = await runUntilDrained(ssc, receivers, { timeoutMs });
  if (outcome === 'timed-out') {
    log.warn(`Graceful stop: received data was still waiting for a batch after ${timeoutMs} ms (spark.streaming.gracefulStopTimeout); stopping without it${ssc.checkpointDir === undefined ? '' : ' (with the receiver write-ahead log, the next run recovers it)'}.`);
  }
}
