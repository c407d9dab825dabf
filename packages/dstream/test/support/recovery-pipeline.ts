// A real streaming application, run as a child process by checkpoint-recovery.test.ts:
//   text files fed one per batch -> word pairs -> updateStateByKey (running totals)
//                                              -> reduceByKeyAndWindow with inverse (4 s / 2 s)
//   -> saveAsTextFiles, on a manual clock (deterministic batch times), recovered with
//   StreamingContext.getOrCreate on every start. It can kill itself with SIGKILL at a given
//   point (batch time + phase) to simulate a crash at the worst moment.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, SparkConf } from '@kindling/core';
import { feedInputFile, prepareInputDir } from './input-feeder.ts';
import { addKillPoints, killIfAt } from './kill-points.ts';
import { IncompatibleCheckpointError, Seconds, StreamingContext } from '../../src/index.ts';

/**
 * Where to die: as the batch is submitted, between its two file outputs (right away, or once
 * the batch's "generated" checkpoint is surely on disk), or once it completed.
 */
export type KillPhase = 'generated' | 'mid-output' | 'mid-output-checkpointed' | 'completed';

export interface PipelineArgs {
  /** Folder of the input files `input-0001.txt`, ... (fed into `inputDir` one per batch). */
  feedDir: string;
  inputDir: string;
  checkpointDir: string;
  outDir: string;
  batches: number;
  /** `v1`; `v2` (a changed map function, one more output); `incompatible` (window changed). */
  variant: 'v1' | 'v2' | 'incompatible';
  /** Kill the process with SIGKILL at this batch (ms) and phase. */
  killAt?: { time: number; phase: KillPhase };
  /** Stop after feeding this many batches without stopping the context (then wait for a signal). */
  feedOnly?: number;
  /** Sleep this long in an output of every batch (widens the window for kills from outside). */
  slowMs?: number;
  /** Enable spark.streaming.stopGracefullyOnShutdown. */
  gracefulOnShutdown?: boolean;
}

const args = JSON.parse(process.argv[2]!) as PipelineArgs;
const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;

function create(): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName('recovery').set('spark.streaming.clock', 'manual');
  if (args.gracefulOnShutdown === true) conf.set('spark.streaming.stopGracefullyOnShutdown', 'true');
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(args.checkpointDir);
  const words = ssc.textFileStream(args.inputDir).flatMap((l) => l.split(' ').filter((w) => w.length > 0));
  const pairs = args.variant === 'v2' ? words.map((w) => [w.toLowerCase(), 1] as [string, number]) : words.map((w) => [w, 1] as [string, number]);
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce(add, total ?? 0)).checkpoint(Seconds(3));
  const windowLength = args.variant === 'incompatible' ? Seconds(6) : Seconds(4);
  const windowed = pairs.reduceByKeyAndWindow(add, sub, windowLength, Seconds(2), 2, (kv) => kv[1] !== 0).checkpoint(Seconds(4));
  totals.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'totals'));
  // The worst moment: one output of the batch written, the next not.
  totals.foreachRDD(async (_rdd, time) => {
    if (args.slowMs !== undefined) await new Promise((r) => setTimeout(r, args.slowMs));
    killIfAt(args.killAt, time.milliseconds, 'mid-output');
    if (args.killAt?.phase === 'mid-output-checkpointed' && args.killAt.time === time.milliseconds) {
      await new Promise((r) => setTimeout(r, 200));
      killIfAt(args.killAt, time.milliseconds, 'mid-output-checkpointed');
    }
  });
  windowed.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'window'));
  if (args.variant === 'v2') pairs.count().saveAsTextFiles(join(args.outDir, 'counts'));
  addKillPoints(ssc, args.killAt);
  return ssc;
}

async function main(): Promise<void> {
  mkdirSync(args.inputDir, { recursive: true });
  let ssc: StreamingContext;
  try {
    ssc = await StreamingContext.getOrCreate(args.checkpointDir, create);
  } catch (e) {
    if (e instanceof IncompatibleCheckpointError) {
      process.stdout.write(`INCOMPATIBLE ${JSON.stringify(e.differences)}\n${e.message}\n`);
      process.exit(3);
    }
    throw e;
  }
  const clock = ssc.clock as ManualClock;
  prepareInputDir(args.inputDir, clock.getTimeMillis() === 0);
  await ssc.start();
  process.stdout.write(`started at ${clock.getTimeMillis()}\n`);
  const last = args.feedOnly ?? args.batches;
  for (let k = Math.floor(clock.getTimeMillis() / 1000) + 1; k <= last; k++) {
    feedInputFile(args.feedDir, args.inputDir, k);
    await clock.advance(1000);
  }
  if (args.feedOnly !== undefined) {
    process.stdout.write('fed\n');
    await ssc.awaitTermination();
    return;
  }
  await ssc.stop(true, true);
  process.stdout.write('done\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
