/**
 * Port of Spark's `HdfsWordCount`: counts the words of the new text files that appear in a
 * folder, every 2 seconds. Files must be moved (renamed) into the folder whole.
 *
 * Usage: `HdfsWordCount <directory>`.
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import { requireArgs, runExample } from './run-example.ts';

/** Builds the example on a new context (not started). */
export function hdfsWordCount(args: readonly string[], conf = new SparkConf().setMaster('local[2]')): StreamingContext {
  requireArgs(args.length >= 1, 'Usage: HdfsWordCount <directory>');
  const sparkConf = conf.setAppName('HdfsWordCount');
  // Create the context
  const ssc = new StreamingContext(sparkConf, Seconds(2));

  // Create the FileInputDStream on the directory and use the stream to count words in new files created
  const lines = ssc.textFileStream(args[0]!);
  const words = lines.flatMap((line) => line.split(' '));
  const wordCounts = words.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b);
  wordCounts.print();
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = hdfsWordCount(args);
  await ssc.start();
  await ssc.awaitTermination();
});
