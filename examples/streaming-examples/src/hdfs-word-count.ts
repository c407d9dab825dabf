/**
 * Port of Spark's `HdfsWordCount`: counts the words of the new text files that appear in a
 * folder, every 2 seconds. Files must be moved (renamed) into the folder whole.
 *
 * Usage: `HdfsWordCount <directory>`.
 *
 * It runs on every core (`local[*]`): the graph is built by {@link countWords}, which this
 * module exports, so `ssc.buildGraph` can build the same graph in every worker thread; each
 * worker reads and counts the files of the partitions it owns.
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { DStream } from '@kindling/dstream';
import { requireArgs, runExample } from './run-example.ts';

/** The example's graph, built in the driver and in every worker thread: word counts of the new files in `directory`. */
export function countWords(ssc: StreamingContext, directory: string): DStream<[string, number]> {
  // Create the FileInputDStream on the directory and use the stream to count words in new files created
  const lines = ssc.textFileStream(directory);
  const words = lines.flatMap((line) => line.split(' '));
  return words.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b);
}

/** Builds the example on a new context (not started). */
export async function hdfsWordCount(args: readonly string[], conf = new SparkConf().setMaster('local[*]')): Promise<StreamingContext> {
  requireArgs(args.length >= 1, 'Usage: HdfsWordCount <directory>');
  const sparkConf = conf.setAppName('HdfsWordCount');
  // Create the context
  const ssc = new StreamingContext(sparkConf, Seconds(2));
  // The graph module is this module: every worker thread of local[*] builds the same graph
  const wordCounts = await ssc.buildGraph<DStream<[string, number]>>(import.meta.url, 'countWords', args[0]!);
  wordCounts.print();
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await hdfsWordCount(args);
  await ssc.start();
  await ssc.awaitTermination();
});
