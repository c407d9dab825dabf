// What the lease-mode child programs share: the arguments every one is given, its context under
// leases reading the test's topic, start, say which member started, run until the test creates
// the stop file, stop gracefully; and report a failure on stderr with exit code 1.
import { existsSync } from 'node:fs';
import { Milliseconds, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, StreamingContext, type LogInputDStream } from '@kindling/dstream';
import { RedisStreamsUtils, type ConsumerRecord } from '../../src/index.ts';

/** The arguments (JSON on the command line) of every lease-mode child program. */
export interface LeaseChildArgs {
  url: string;
  topic: string;
  group: string;
  outDir: string;
  checkpointDir: string;
  batchMs: number;
  leaseMs: number;
  /** The topic's partitions. */
  partitions: number;
  stopFile: string;
}

/**
 * A context of `appName` (it names the repartition logs) in lease group mode on the system clock,
 * with RDD checkpoints in `args.checkpointDir`, and its direct stream of `args.topic` in group
 * `args.group` from the earliest records, on `local[2]`.
 */
export function leaseContext(args: LeaseChildArgs, appName: string): { ssc: StreamingContext; records: LogInputDStream<ConsumerRecord> } {
  const conf = new SparkConf().setMaster('local[2]').setAppName(appName)
    .set('spark.kindling.group.enabled', 'true')
    .set('spark.kindling.group.leaseTimeout', `${args.leaseMs}ms`);
  const ssc = new StreamingContext(conf, Milliseconds(args.batchMs));
  ssc.checkpoint(args.checkpointDir);
  const records = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([args.topic], { 'redis.url': args.url, 'group.id': args.group, 'auto.offset.reset': 'earliest' }));
  return { ssc, records };
}

/**
 * Starts `ssc`, calls `started` (if given), prints `started <member>` (known once started),
 * stops it gracefully once `stopFile` exists, then prints `done`.
 */
export async function runUntilStopFile(ssc: StreamingContext, member: () => string | undefined, stopFile: string, started?: () => void): Promise<void> {
  await ssc.start();
  started?.();
  process.stdout.write(`started ${member()}\n`);
  while (!existsSync(stopFile)) await new Promise((r) => setTimeout(r, 100));
  await ssc.stop(true, true);
  process.stdout.write('done\n');
}

/** Runs a child's `main`, writing its error's stack to stderr and exiting 1 when it fails. */
export function runChildMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
