/**
 * Port of Spark's `NetworkWordCount`: counts words in UTF-8 text received from a TCP socket,
 * every second.
 *
 * Usage: `NetworkWordCount <hostname> <port>`. Start a text server first (`nc -lk 9999`), then
 * `pnpm -F @kindling/example-streaming-examples NetworkWordCount localhost 9999`.
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** Builds the example on a new context (not started). `conf` lets tests pick the clock. */
export function networkWordCount(args: readonly string[], conf = new SparkConf().setMaster('local[2]')): StreamingContext {
  requireArgs(args.length >= 2, 'Usage: NetworkWordCount <hostname> <port>');
  const sparkConf = conf.setAppName('NetworkWordCount');
  const ssc = new StreamingContext(sparkConf, Seconds(1));
  // Spark passes StorageLevel.MEMORY_AND_DISK_SER here; received blocks live in memory in Kindling.
  const lines = ssc.socketTextStream(args[0]!, intArg(args[1], 'port'));
  const words = lines.flatMap((line) => line.split(' '));
  const wordCounts = words.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b);
  wordCounts.print();
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = networkWordCount(args);
  await ssc.start();
  await ssc.awaitTermination();
});
