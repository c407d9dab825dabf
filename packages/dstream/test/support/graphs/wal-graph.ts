// The graph module of parallel-wal-pipeline.ts: lines from a TCP server on 127.0.0.1, received
// with the receiver write-ahead log on, -> the batch's lines as received, and the running word
// totals (updateStateByKey), both written with saveAsTextFiles. Under local[2] the receiver
// runs on the driver and each block (and each block recovered from the log) goes to its
// partition's owner.
import { join } from 'node:path';
import { Seconds } from '@kindling/core';
import type { StreamingContext } from '../../../src/index.ts';

/** Where the process kills itself in batch `time`: its blocks stored, not yet generated; as it is submitted; between its two outputs. */
export type WalKillPhase = 'stored' | 'generated' | 'mid-output';

export interface WalGraphArgs {
  port: number;
  checkpointDir: string;
  outDir: string;
  killAt?: { time: number; phase: WalKillPhase };
}

/** SIGKILLs the whole process when `time`/`phase` is the kill point. */
export function killIfAt(args: WalGraphArgs, time: number, phase: WalKillPhase): void {
  if (args.killAt !== undefined && args.killAt.time === time && args.killAt.phase === phase) process.kill(process.pid, 'SIGKILL');
}

const add = (a: number, b: number): number => a + b;

export function walGraph(ssc: StreamingContext, args: WalGraphArgs): void {
  ssc.checkpoint(args.checkpointDir);
  const lines = ssc.socketTextStream('127.0.0.1', args.port);
  // The batch's lines in arrival order (a part file per block)
  lines.saveAsTextFiles(join(args.outDir, 'lines'));
  // The worst moment: one output of the batch written, the next not.
  lines.foreachRDD((_rdd, time) => killIfAt(args, time.milliseconds, 'mid-output'));
  const pairs = lines.flatMap((l) => l.split(' ').slice(1)).map((w) => [w, 1] as [string, number]);
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce(add, total ?? 0)).checkpoint(Seconds(2));
  totals.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'totals'));
}
