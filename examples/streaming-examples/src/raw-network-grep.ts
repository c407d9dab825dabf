/**
 * Port of Spark's `RawNetworkGrep`: receives text from `numStreams` connections to one TCP
 * server, unions them with `ssc.union`, and counts the lines containing "the" in every batch.
 *
 * Usage: `RawNetworkGrep <numStreams> <host> <port> <batchMillis>`.
 *
 * Spark's version reads `rawSocketStream` (length-prefixed blocks of Java-serialised records),
 * which Kindling does not have; this port reads lines with `socketTextStream`, which keeps the
 * point of the example: several receivers unioned into one stream.
 */
import { SparkConf } from '@kindling/core';
import { Milliseconds, StreamingContext } from '@kindling/dstream';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** Builds the example on a new context (not started). */
export function rawNetworkGrep(args: readonly string[], conf = new SparkConf().setMaster('local[2]')): StreamingContext {
  requireArgs(args.length === 4, 'Usage: RawNetworkGrep <numStreams> <host> <port> <batchMillis>');
  const numStreams = intArg(args[0], 'numStreams');
  const host = args[1]!;
  const port = intArg(args[2], 'port');
  const batchMillis = intArg(args[3], 'batchMillis');

  const sparkConf = conf.setAppName('RawNetworkGrep');
  // Create the context
  const ssc = new StreamingContext(sparkConf, Milliseconds(batchMillis));

  const rawStreams = Array.from({ length: numStreams }, () => ssc.socketTextStream(host, port));
  const union = ssc.union(rawStreams);
  union.filter((line) => line.includes('the')).count().foreachRDD(async (r) => {
    ssc.consoleWriter(`Grep count: ${(await r.collect()).join('')}`);
  });
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = rawNetworkGrep(args);
  await ssc.start();
  await ssc.awaitTermination();
});
