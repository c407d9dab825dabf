// The graph module of parallel-recovery-pipeline.ts (the same streams as recovery-pipeline.ts,
// built by ssc.buildGraph so that under local[2] it runs in two worker threads): text files ->
// word pairs -> updateStateByKey (running totals) and reduceByKeyAndWindow with inverse
// (4 s / 2 s) -> saveAsTextFiles. Output operations run on the driver only, so the kill points
// inside them kill the process at the driver's moment.
import { isMainThread } from 'node:worker_threads';
import { join } from 'node:path';
import { Seconds } from '@kindling/core';
import type { StreamingContext } from '../../../src/index.ts';

/** Where the process kills itself: as the batch is submitted, between its two outputs, or once it completed. */
export type ParallelKillPhase = 'generated' | 'mid-output' | 'completed';

export interface RecoveryGraphArgs {
  inputDir: string;
  checkpointDir: string;
  outDir: string;
  killAt?: { time: number; phase: ParallelKillPhase };
  /** A worker thread exits (code 7) while computing this batch (ms): the driver loses it. */
  workerDiesAt?: number;
}

/** SIGKILLs the whole process when `time`/`phase` is the kill point. */
export function killIf(args: RecoveryGraphArgs, time: number, phase: ParallelKillPhase): void {
  if (args.killAt !== undefined && args.killAt.time === time && args.killAt.phase === phase) process.kill(process.pid, 'SIGKILL');
}

const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;

export function recoveryGraph(ssc: StreamingContext, args: RecoveryGraphArgs): void {
  ssc.checkpoint(args.checkpointDir);
  const lines = ssc.textFileStream(args.inputDir).transform((rdd, time) =>
    // The same RDDs in every thread; only a worker thread runs the exit.
    rdd.map((l) => {
      if (time.milliseconds === args.workerDiesAt && !isMainThread) process.exit(7);
      return l;
    }));
  const words = lines.flatMap((l) => l.split(' ').filter((w) => w.length > 0));
  const pairs = words.map((w) => [w, 1] as [string, number]);
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce(add, total ?? 0)).checkpoint(Seconds(3));
  const windowed = pairs.reduceByKeyAndWindow(add, sub, Seconds(4), Seconds(2), 2, (kv) => kv[1] !== 0).checkpoint(Seconds(4));
  totals.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'totals'));
  // The worst moment: one output of the batch written, the next not.
  totals.foreachRDD((_rdd, time) => killIf(args, time.milliseconds, 'mid-output'));
  windowed.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'window'));
}
