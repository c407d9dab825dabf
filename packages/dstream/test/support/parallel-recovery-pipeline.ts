// A real streaming application whose graph is built by ssc.buildGraph (support/graphs/
// recovery-graph.ts), run as a child process by parallel-recovery-kill.test.ts under local[1] or
// local[2] (two worker threads): text files fed one per batch, on a manual clock, recovered
// with StreamingContext.getOrCreate on every start. It kills itself with SIGKILL at a given
// point, or loses a worker thread, to simulate crashes.
import { mkdirSync } from 'node:fs';
import { ManualClock, SparkConf } from '@kindling/core';
import { feedInputFile, prepareInputDir } from './input-feeder.ts';
import { Seconds, StreamingContext } from '../../src/index.ts';
import { graphWorkerPoolOf } from '../../src/parallel/build-graph.ts';
import { killIf, type RecoveryGraphArgs } from './graphs/recovery-graph.ts';

export interface ParallelPipelineArgs extends RecoveryGraphArgs {
  /** Folder of the input files `input-0001.txt`, ... (fed into `inputDir` one per batch). */
  feedDir: string;
  batches: number;
  master: 'local[1]' | 'local[2]';
}

const args = JSON.parse(process.argv[2]!) as ParallelPipelineArgs;
const graph = new URL('./graphs/recovery-graph.ts', import.meta.url);

async function create(): Promise<StreamingContext> {
  const conf = new SparkConf().setMaster(args.master).setAppName('parallel-recovery').set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  const ssc = new StreamingContext(conf, Seconds(1));
  const { feedDir: _f, batches: _b, master: _m, ...graphArgs } = args;
  await ssc.buildGraph(graph, 'recoveryGraph', graphArgs satisfies RecoveryGraphArgs);
  ssc.addStreamingListener({
    onBatchSubmitted: (e) => killIf(args, e.batchInfo.batchTime.milliseconds, 'generated'),
    onBatchCompleted: (e) => {
      process.stdout.write(`completed ${e.batchInfo.batchTime.milliseconds}\n`);
      killIf(args, e.batchInfo.batchTime.milliseconds, 'completed');
    },
  });
  return ssc;
}

async function main(): Promise<void> {
  mkdirSync(args.inputDir, { recursive: true });
  const ssc = await StreamingContext.getOrCreate(args.checkpointDir, create);
  const clock = ssc.clock as ManualClock;
  prepareInputDir(args.inputDir, clock.getTimeMillis() === 0);
  await ssc.start();
  process.stdout.write(`started at ${clock.getTimeMillis()} with ${graphWorkerPoolOf(ssc)?.workers.length ?? 0} worker threads\n`);
  for (let k = Math.floor(clock.getTimeMillis() / 1000) + 1; k <= args.batches; k++) {
    feedInputFile(args.feedDir, args.inputDir, k);
    try {
      await clock.advance(1000);
    } catch (e) {
      // A failed batch stops the context, as a crash would: report it and exit.
      process.stdout.write(`failed: ${(e as Error).message}\n`);
      await ssc.stop();
      process.exit(2);
    }
  }
  await ssc.stop(true, true);
  process.stdout.write('done\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
