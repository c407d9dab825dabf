/**
 * Port of Spark's `TwitterPopularTags` (once in Spark's examples, now in Apache Bahir), reading
 * text lines from a TCP socket instead of tweets: every 2 seconds it prints the ten most
 * popular hashtags of the last 60 seconds and of the last 10 seconds, each list sorted by
 * count with `transform(rdd => rdd.sortByKey(false))`.
 *
 * Usage: `PopularHashTags <hostname> <port> [<filters>...]`: with filters, only the lines
 * containing one of them count (the original's tweet filters).
 *
 * It runs on every core (`local[*]`): this module is its own graph module (see
 * {@link topHashTags}).
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { DStream } from '@kindling/dstream';
import type { Duration } from '@kindling/core';
import type { SocketAddress } from './network-word-count.ts';
import type { Println } from './recoverable-network-word-count.ts';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** What {@link topHashTags} needs (plain data: every worker thread gets a copy). */
export interface HashTagArgs extends SocketAddress {
  /** Lines must contain one of these to count; all lines count when empty. */
  readonly filters: readonly string[];
}

/** The two ranked streams: `[count, tag]`, largest count first, over the last 60 s and 10 s. */
export interface TopCounts {
  readonly topCounts60: DStream<[number, string]>;
  readonly topCounts10: DStream<[number, string]>;
}

/** The example's graph, built in the driver and in every worker thread. */
export function topHashTags(ssc: StreamingContext, { host, port, filters }: HashTagArgs): TopCounts {
  const stream = ssc.socketTextStream(host, port).filter((text) => filters.length === 0 || filters.some((f) => text.includes(f)));
  const hashTags = stream.flatMap((text) => text.split(' ').filter((word) => word.startsWith('#')));
  const ranked = (window: Duration): DStream<[number, string]> =>
    hashTags.map((tag) => [tag, 1] as [string, number])
      .reduceByKeyAndWindow((a, b) => a + b, window)
      .map(([topic, count]) => [count, topic] as [number, string])
      .transform((rdd) => rdd.sortByKey(false));
  return { topCounts60: ranked(Seconds(60)), topCounts10: ranked(Seconds(10)) };
}

/** Builds the example on a new context (not started), on every core (`local[*]`) unless `conf` says otherwise; `println` receives its lines. */
export async function popularHashTags(
  args: readonly string[],
  conf = new SparkConf().setMaster('local[*]'),
  println: Println = (line) => console.log(line),
): Promise<StreamingContext> {
  requireArgs(args.length >= 2, 'Usage: PopularHashTags <hostname> <port> [<filters>...]');
  const graphArgs: HashTagArgs = { host: args[0]!, port: intArg(args[1], 'port'), filters: args.slice(2) };
  const sparkConf = conf.setAppName('PopularHashTags');
  const ssc = new StreamingContext(sparkConf, Seconds(2));
  const { topCounts60, topCounts10 } = await ssc.buildGraph<TopCounts>(import.meta.url, 'topHashTags', graphArgs);

  // Print popular hashtags
  for (const [stream, seconds] of [[topCounts60, 60], [topCounts10, 10]] as const) {
    stream.foreachRDD(async (rdd) => {
      const topList = await rdd.take(10);
      println(`\nPopular topics in last ${seconds} seconds (${await rdd.count()} total):`);
      for (const [count, tag] of topList) println(`${tag} (${count} tweets)`);
    });
  }
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await popularHashTags(args);
  await ssc.start();
  await ssc.awaitTermination();
});
