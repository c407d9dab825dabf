// A socket receiver application, run as a child process by receiver-recovery.test.ts: lines
// from a TCP server on 127.0.0.1 -> one file per batch, written with the idempotent sink
// pattern (a file named after the batch time, replaced atomically), recovered with
// StreamingContext.getOrCreate on every start.
import { join } from 'node:path';
import { SparkConf } from '@kindling/core';
import { atomicWriteFile } from '@kindling/io';
import { Milliseconds, StreamingContext } from '../../src/index.ts';

export interface SocketPipelineArgs {
  port: number;
  checkpointDir: string;
  outDir: string;
  batchMs: number;
  /** spark.streaming.receiver.writeAheadLog.enable */
  wal: boolean;
  /** spark.streaming.stopGracefullyOnShutdown */
  gracefulOnShutdown: boolean;
}

const args = JSON.parse(process.argv[2]!) as SocketPipelineArgs;

function create(): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName('socket-recovery')
    .set('spark.streaming.blockInterval', '50ms')
    .set('spark.streaming.receiver.writeAheadLog.enable', String(args.wal))
    .set('spark.streaming.receiver.writeAheadLog.rollingIntervalSecs', '1')
    .set('spark.streaming.stopGracefullyOnShutdown', String(args.gracefulOnShutdown));
  const ssc = new StreamingContext(conf, Milliseconds(args.batchMs));
  ssc.checkpoint(args.checkpointDir);
  ssc.socketTextStream('127.0.0.1', args.port, undefined, { log: () => {} }).foreachRDD(async (rdd, time) => {
    const lines = await rdd.collect();
    // Idempotent: a re-run of the batch replaces its file with the same content.
    await atomicWriteFile(join(args.outDir, `batch-${time.milliseconds}.txt`), lines.map((l) => `${l}\n`).join(''));
    process.stdout.write(`batch ${time.milliseconds} ${lines.length}\n`);
  });
  return ssc;
}

async function main(): Promise<void> {
  const ssc = await StreamingContext.getOrCreate(args.checkpointDir, create);
  await ssc.start();
  process.stdout.write('started\n');
  await ssc.awaitTermination();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
