import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { WorkerTaskCounts } from '@kindling/core';
import type { ManualClock } from '@kindling/dstream';
import type { RunContext } from '../harness/workload.ts';

/**
 * A streaming context for throughput runs: one core (`local[1]`, as the targets are per core),
 * 1 s batches on a manual clock, and the queue its input stream reads.
 */
export function manualContext<T>(appName: string): { ssc: StreamingContext; queue: T[][] } {
  const conf = new SparkConf().setMaster('local[1]').setAppName(appName).set('spark.streaming.clock', 'manual');
  return { ssc: new StreamingContext(conf, Seconds(1)), queue: [] };
}

/**
 * A streaming context for the `kindling-N` systems: `local[N]` (the graph, built by
 * `ssc.buildGraph` from a module, runs its tasks on N worker threads), 1 s batches on a manual
 * clock.
 */
export function parallelContext(appName: string, threads: number): StreamingContext {
  const conf = new SparkConf().setMaster(`local[${threads}]`).setAppName(appName).set('spark.streaming.clock', 'manual');
  return new StreamingContext(conf, Seconds(1));
}

/** The worker threads of a `kindling-N` system. */
export function threadsOf(system: string): number {
  const n = Number(system.slice(system.lastIndexOf('-') + 1));
  if (!Number.isInteger(n) || n < 2) throw new Error(`${system} names no thread count`);
  return n;
}

/**
 * Advances the manual clock one batch at a time until `batches` batches ran (the input of a
 * `kindling-N` graph lives in its module, in every thread), then stops the context, recording
 * the figures of {@link measureBatches}.
 */
export async function runClock(ssc: StreamingContext, batches: number, ctx: RunContext): Promise<void> {
  await ssc.start();
  try {
    const clock = ssc.clock as ManualClock;
    const measure = measureBatches(ssc);
    for (let b = 0; b < batches; b++) await clock.advance(1000);
    measure(ctx, batches);
  } finally {
    await ssc.stop(true, false);
  }
}

/**
 * Starts measuring a running context's threads; the returned function records, per batch
 * over `batches` batches, the time the driver (main) thread spent running code (its event-loop
 * utilisation: batch generation, job planning, messaging, gathering results, output
 * operations) as `driverMsPerBatch`, the wall time as `wallMsPerBatch`, and under `local[N]`
 * the mean time each worker thread spent running code as `workerMsPerBatch`.
 */
export function measureBatches(ssc: StreamingContext): (ctx: RunContext, batches: number) => void {
  const counts = (ssc.sparkContext as unknown as { taskScheduler: { counts?: WorkerTaskCounts } }).taskScheduler.counts;
  const workersBefore = counts?.workerActiveMs.slice() ?? [];
  const loop = performance.eventLoopUtilization();
  return (ctx, batches) => {
    const driver = performance.eventLoopUtilization(loop);
    ctx.metric('driverMsPerBatch', driver.active / batches);
    ctx.metric('wallMsPerBatch', (driver.active + driver.idle) / batches);
    if (counts === undefined) return;
    let workers = 0;
    for (let w = 0; w < counts.workerActiveMs.length; w++) workers += counts.workerActiveMs[w]! - (workersBefore[w] ?? 0);
    ctx.metric('workerMsPerBatch', workers / counts.workerActiveMs.length / batches);
  };
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
