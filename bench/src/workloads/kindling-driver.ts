import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { ManualClock } from '@kindling/dstream';

/**
 * A streaming context for throughput runs: one core (`local[1]`, as the targets are per core),
 * 1 s batches on a manual clock, and the queue its input stream reads.
 */
export function manualContext<T>(appName: string): { ssc: StreamingContext; queue: T[][] } {
  const conf = new SparkConf().setMaster('local[1]').setAppName(appName).set('spark.streaming.clock', 'manual');
  return { ssc: new StreamingContext(conf, Seconds(1)), queue: [] };
}

/**
 * Starts `ssc`, feeds one batch per second of manual time (each `advance` resolves once that
 * batch's outputs have run) and stops the context.
 */
export async function runBatches<T>(ssc: StreamingContext, queue: T[][], batches: readonly T[][]): Promise<void> {
  await ssc.start();
  try {
    const clock = ssc.clock as ManualClock;
    for (const batch of batches) {
      queue.push(batch);
      await clock.advance(1000);
    }
  } finally {
    await ssc.stop(true, false);
  }
}
