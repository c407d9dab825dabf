/**
 * Port of Spark's `RawNetworkGrep`: receives text from `numStreams` connections to one TCP
 * server, unions them with `ssc.union`, and counts the lines containing "the" in every batch.
 *
 * Usage: `RawNetworkGrep <numStreams> <host> <port> <batchMillis>`.
 *
 * Spark's version reads `rawSocketStream` (length-prefixed blocks of Java-serialised records),
 * which Kindling does not have; this port reads lines with `socketTextStream`, which keeps the
 * point of the example: several receivers unioned into one stream.
 *
 * It runs on every core (`local[*]`): this module is its own graph module (see
 * {@link grepCounts}); the receivers run on the main thread.
 */
import { SparkConf } from '@kindling/core';
import { Milliseconds, StreamingContext } from '@kindling/dstream';
import type { DStream } from '@kindling/dstream';
import type { SocketAddress } from './network-word-count.ts';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** What {@link grepCounts} needs (plain data: every worker thread gets a copy). */
export interface GrepArgs extends SocketAddress {
  readonly numStreams: number;
}

/** The example's graph, built in the driver and in every worker thread: per batch, how many lines of the unioned streams contain "the". */
export function grepCounts(ssc: StreamingContext, { numStreams, host, port }: GrepArgs): DStream<number> {
  const rawStreams = Array.from({ length: numStreams }, () => ssc.socketTextStream(host, port));
  const union = ssc.union(rawStreams);
  return union.filter((line) => line.includes('the')).count();
}

/** Builds the example on a new context (not started), on every core (`local[*]`) unless `conf` says otherwise. */
export async function rawNetworkGrep(args: readonly string[], conf = new SparkConf().setMaster('local[*]')): Promise<StreamingContext> {
  requireArgs(args.length === 4, 'Usage: RawNetworkGrep <numStreams> <host> <port> <batchMillis>');
  const graphArgs: GrepArgs = { numStreams: intArg(args[0], 'numStreams'), host: args[1]!, port: intArg(args[2], 'port') };
  const batchMillis = intArg(args[3], 'batchMillis');

  const sparkConf = conf.setAppName('RawNetworkGrep');
  // Create the context
  const ssc = new StreamingContext(sparkConf, Milliseconds(batchMillis));
  // The graph module is this module: every worker thread of local[*] builds the same graph
  const counts = await ssc.buildGraph<DStream<number>>(import.meta.url, 'grepCounts', graphArgs);
  counts.foreachRDD(async (r) => {
    ssc.consoleWriter(`Grep count: ${(await r.collect()).join('')}`);
  });
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await rawNetworkGrep(args);
  await ssc.start();
  await ssc.awaitTermination();
});
