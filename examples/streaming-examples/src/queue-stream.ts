/**
 * Port of Spark's `QueueStream`: a stream fed from a queue of RDDs, one RDD a second; each
 * batch counts its numbers by last digit.
 *
 * Usage: `QueueStream` (no arguments).
 */
import { SparkConf } from '@kindling/core';
import type { RDD } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import { runExample } from './run-example.ts';

/** The example's context (not started) and the queue its stream reads. */
export function queueStream(conf = new SparkConf().setMaster('local[2]')): { ssc: StreamingContext; rddQueue: RDD<number>[] } {
  const sparkConf = conf.setAppName('QueueStream');
  // Create the context
  const ssc = new StreamingContext(sparkConf, Seconds(1));

  // Create the queue through which RDDs can be pushed to a QueueInputDStream
  const rddQueue: RDD<number>[] = [];

  // Create the QueueInputDStream and use it do some processing
  const inputStream = ssc.queueStream(rddQueue);
  const mappedStream = inputStream.map((x) => [x % 10, 1] as [number, number]);
  const reducedStream = mappedStream.reduceByKey((a, b) => a + b);
  reducedStream.print();
  return { ssc, rddQueue };
}

/** `1 to 1000` as an array. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * The example's feeding loop: pushes `rounds` RDDs of 1..1000 (10 slices), calling `pause`
 * after each (Spark's `Thread.sleep(1000)`; tests advance a manual clock instead).
 */
export async function feedQueue(
  ssc: StreamingContext,
  rddQueue: RDD<number>[],
  rounds = 30,
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 1000)),
): Promise<void> {
  for (let i = 1; i <= rounds; i++) {
    // JavaScript is single-threaded: pushing needs no lock (Spark's rddQueue.synchronized)
    rddQueue.push(ssc.sparkContext.parallelize(range(1, 1000), 10));
    await pause();
  }
}

runExample(import.meta.url, async () => {
  const { ssc, rddQueue } = queueStream();
  // Start the computation
  await ssc.start();
  await feedQueue(ssc, rddQueue);
  await ssc.stop();
});
