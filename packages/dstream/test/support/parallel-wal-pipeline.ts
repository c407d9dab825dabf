// A socket receiver application with the receiver write-ahead log on, whose graph is built by
// ssc.buildGraph (support/graphs/wal-graph.ts), run as a child process by
// parallel-receiver-wal.test.ts under local[1] or local[2], on a manual clock, recovered with
// StreamingContext.getOrCreate on every start. The test drives it through standard input, one
// command a line:
//   `tick <n>`: wait until this process stored <n> records (in the log), then run the next batch;
//   `stop`: stop gracefully and exit.
// It kills itself with SIGKILL at the point its arguments name.
import { createInterface } from 'node:readline';
import { ManualClock, SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '../../src/index.ts';
import { graphWorkerPoolOf } from '../../src/parallel/build-graph.ts';
import { waitForStoredRecords } from '../../src/testing/index.ts';
import { killIfAt, type WalGraphArgs } from './graphs/wal-graph.ts';

export interface WalPipelineArgs extends WalGraphArgs {
  master: 'local[1]' | 'local[2]';
}

const args = JSON.parse(process.argv[2]!) as WalPipelineArgs;
const graph = new URL('./graphs/wal-graph.ts', import.meta.url);

async function create(): Promise<StreamingContext> {
  const conf = new SparkConf().setMaster(args.master).setAppName('parallel-wal')
    .set('spark.streaming.clock', 'manual')
    .set('spark.default.parallelism', 2)
    .set('spark.streaming.receiver.writeAheadLog.enable', 'true');
  const ssc = new StreamingContext(conf, Seconds(1));
  const { master: _m, ...graphArgs } = args;
  await ssc.buildGraph(graph, 'walGraph', graphArgs satisfies WalGraphArgs);
  ssc.addStreamingListener({
    onBatchSubmitted: (e) => killIfAt(args, e.batchInfo.batchTime.milliseconds, 'generated'),
    onBatchCompleted: (e) => { process.stdout.write(`completed ${e.batchInfo.batchTime.milliseconds}\n`); },
  });
  return ssc;
}

async function main(): Promise<void> {
  const ssc = await StreamingContext.getOrCreate(args.checkpointDir, create);
  const clock = ssc.clock as ManualClock;
  await ssc.start();
  process.stdout.write(`started at ${clock.getTimeMillis()} with ${graphWorkerPoolOf(ssc)?.workers.length ?? 0} worker threads\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, n] = line.split(' ');
    if (command === 'stop') break;
    await waitForStoredRecords(ssc, Number(n), { timeoutMs: 120_000 });
    const next = clock.getTimeMillis() + 1000;
    // Every record of the batch is in the write-ahead log; the batch is not generated yet.
    killIfAt(args, next, 'stored');
    await clock.advance(1000);
    process.stdout.write(`ticked ${next}\n`);
  }
  await ssc.stop(true, true);
  process.stdout.write('done\n');
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
