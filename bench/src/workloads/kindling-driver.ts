import { readFileSync, readdirSync } from 'node:fs';
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
 * Advances a manual clock by `batches` 1 s batches, keeping the clock one batch ahead of the batch
 * whose outputs run: batch `b + 1` is generated (and announced to a `local[N]` context's worker
 * threads) while batch `b`'s output operations run, and `b + 2` once `b` is over. A benchmark
 * feeds a stream that is always behind its clock, and this is Spark's flow for one: its
 * `JobGenerator` generates each batch on its timer, whatever runs, while the `JobScheduler`'s
 * job thread (`spark.streaming.concurrentJobs` = 1) runs the queued batches' outputs one batch
 * after another. (Waiting for batch `b` before generating `b + 1` left the driver's generation
 * and announcement of `b + 1` between the two batches, with the workers idle.) `beforeBatch(b)`
 * runs before batch `b` is generated (a queue input pushes its data). Resolves once every batch
 * ran; rejects with the first failure.
 */
export async function advanceOneAhead(clock: ManualClock, batches: number, beforeBatch?: (b: number) => void): Promise<void> {
  let running: Promise<void> | undefined;
  for (let b = 0; b < batches; b++) {
    beforeBatch?.(b);
    const next = clock.advance(1000);
    // Awaited below, after the batch before it: a failure of both must not go unhandled meanwhile.
    next.catch(() => undefined);
    if (running !== undefined) await running;
    running = next;
  }
  await running;
}

/**
 * Advances the manual clock until `batches` batches ran, one batch ahead
 * ({@link advanceOneAhead}; the input of a `kindling-N` graph lives in its module, in every
 * thread), then stops the context, recording the figures of {@link measureBatches}.
 */
export async function runClock(ssc: StreamingContext, batches: number, ctx: RunContext): Promise<void> {
  await ssc.start();
  try {
    const clock = ssc.clock as ManualClock;
    const measure = measureBatches(ssc);
    await advanceOneAhead(clock, batches);
    measure(ctx, batches);
  } finally {
    await ssc.stop(true, false);
  }
}

/**
 * CPU time (user + system, ms) of this process's threads from `/proc` (Linux): the main
 * thread's and all the others' (worker threads, and the GC and I/O helper threads every
 * isolate uses); and `waiting`, the time all of them were ready to run but waited for a core
 * (`schedstat`'s run-queue time): near 0 on a quiet machine, it is what other processes' load
 * adds to a run. Undefined where `/proc` is not available.
 */
function threadCpuMs(): { main: number; others: number; waiting: number } | undefined {
  try {
    const tick = 10; // USER_HZ is 100 on Linux
    let main = 0;
    let others = 0;
    let waiting = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // the thread ended meanwhile
      }
      try {
        // "<ns on a core> <ns waiting on a run queue> <time slices>"; absent without schedstats.
        const waited = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
        if (Number.isFinite(waited)) waiting += waited / 1e6;
      } catch {
        // no schedstats, or the thread ended
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * tick;
      if (Number(tid) === process.pid) main += ms;
      else others += ms;
    }
    return { main, others, waiting };
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring a running context's threads; the returned function records, per batch
 * over `batches` batches:
 * - `driverCpuMsPerBatch`: CPU time of the driver (main) thread (batch generation, job
 *   planning, messaging, gathering results, output operations), from `/proc` (Linux), which
 *   a loaded machine does not inflate;
 * - `otherCpuMsPerBatch`: CPU time of every other thread of the process (worker threads, GC
 *   and I/O helpers);
 * - `runQueueMsPerBatch`: time the process's threads were ready to run but waited for a core
 *   (other processes' load; each hand-over between threads under load pays it);
 * - `driverMsPerBatch`: the driver's event-loop active time (not waiting for I/O or messages;
 *   includes the time the OS let another process run, so a loaded machine inflates it);
 * - `wallMsPerBatch`; and under `local[N]`, `workerMsPerBatch` (each worker's mean event-loop
 *   active time), `remoteStagesPerBatch` (stages run in the workers) and
 *   `remoteRequestsPerBatch` (round trips: one request to each worker and one reply from each;
 *   a job whose stages all run in the workers takes one, the batch's announcement another).
 */
export function measureBatches(ssc: StreamingContext): (ctx: RunContext, batches: number) => void {
  const counts = (ssc.sparkContext as unknown as { taskScheduler: { counts?: WorkerTaskCounts } }).taskScheduler.counts;
  const workersBefore = counts?.workerActiveMs.slice() ?? [];
  const stagesBefore = counts?.remoteStages ?? 0;
  const requestsBefore = counts?.requests ?? 0;
  const cpu = threadCpuMs();
  const loop = performance.eventLoopUtilization();
  return (ctx, batches) => {
    const driver = performance.eventLoopUtilization(loop);
    const cpuNow = threadCpuMs();
    if (cpu !== undefined && cpuNow !== undefined) {
      ctx.metric('driverCpuMsPerBatch', (cpuNow.main - cpu.main) / batches);
      ctx.metric('otherCpuMsPerBatch', (cpuNow.others - cpu.others) / batches);
      ctx.metric('runQueueMsPerBatch', (cpuNow.waiting - cpu.waiting) / batches);
    }
    ctx.metric('driverMsPerBatch', driver.active / batches);
    ctx.metric('wallMsPerBatch', (driver.active + driver.idle) / batches);
    if (counts === undefined) return;
    let workers = 0;
    for (let w = 0; w < counts.workerActiveMs.length; w++) workers += counts.workerActiveMs[w]! - (workersBefore[w] ?? 0);
    ctx.metric('workerMsPerBatch', workers / counts.workerActiveMs.length / batches);
    ctx.metric('remoteStagesPerBatch', (counts.remoteStages - stagesBefore) / batches);
    // Each batch's announcement to the workers is one more round trip.
    ctx.metric('remoteRequestsPerBatch', (counts.requests - requestsBefore) / batches + 1);
  };
}

/**
 * Starts `ssc`, feeds one batch per second of manual time, one batch ahead
 * ({@link advanceOneAhead}: each batch's data is queued just before its batch is generated),
 * and stops the context; with `ctx`, records the figures of
 * {@link measureBatches}. Without it nothing is measured: reading every thread's `/proc`
 * files costs about as much as a few batches of the engine's own fixed work, which a run that
 * records no figure (the hand loop reads none) must not pay.
 */
export async function runBatches<T>(ssc: StreamingContext, queue: T[][], batches: readonly T[][], ctx?: RunContext): Promise<void> {
  await ssc.start();
  try {
    const clock = ssc.clock as ManualClock;
    const measure = ctx === undefined ? undefined : measureBatches(ssc);
    await advanceOneAhead(clock, batches.length, (b) => { queue.push(batches[b]!); });
    if (measure !== undefined) measure(ctx!, batches.length);
  } finally {
    await ssc.stop(true, false);
  }
}
