/**
 * Port of Spark's `TwitterHashTagJoinSentiments`, reading text lines from a TCP socket instead
 * of tweets: every 2 seconds it joins the hashtags of the last 60 seconds and of the last 10
 * seconds with a static RDD of word sentiments (the AFINN list: `word<TAB>value` lines) inside
 * `transform`, multiplies each tag's count by its word's value, and prints the ten happiest
 * topics, sorted with `transform(rdd => rdd.sortByKey(false))`.
 *
 * Usage: `HashTagJoinSentiments <hostname> <port> <word-sentiment file>`.
 *
 * It runs on every core (`local[*]`): this module is its own graph module, and each worker
 * thread reads the sentiment file into its own static RDD (an RDD belongs to one thread).
 */
import { SparkConf } from '@kindling/core';
import type { Duration } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import type { DStream } from '@kindling/dstream';
import type { SocketAddress } from './network-word-count.ts';
import type { Println } from './recoverable-network-word-count.ts';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** What {@link happiestTopics} needs (plain data: every worker thread gets a copy). */
export interface SentimentArgs extends SocketAddress {
  /** The word-sentiment list: one `word<TAB>value` line per word. */
  readonly wordSentimentFilePath: string;
}

/** The two ranked streams: `[happiness, topic]`, happiest first, over the last 60 s and 10 s. */
export interface HappiestTopics {
  readonly happiest60: DStream<[number, string]>;
  readonly happiest10: DStream<[number, string]>;
}

/** The example's graph, built in the driver and in every worker thread. */
export function happiestTopics(ssc: StreamingContext, { host, port, wordSentimentFilePath }: SentimentArgs): HappiestTopics {
  const stream = ssc.socketTextStream(host, port);
  const hashTags = stream.flatMap((status) => status.split(' ').filter((word) => word.startsWith('#')));

  // Read in the word-sentiment list and create a static RDD from it
  const wordSentiments = ssc.sparkContext.textFile(wordSentimentFilePath).map((line) => {
    const [word, happinessValue] = line.split('\t');
    return [word!, Number.parseInt(happinessValue!, 10)] as [string, number];
  }).cache();

  // Determine the hash tags with the highest sentiment values by joining the streaming RDD
  // with the static RDD inside the transform() method and then multiplying
  // the frequency of the hash tag by its sentiment value
  const happiest = (window: Duration): DStream<[number, string]> =>
    hashTags.map((hashTag) => [hashTag.slice(1), 1] as [string, number])
      .reduceByKeyAndWindow((a, b) => a + b, window)
      .transform((topicCount) => wordSentiments.join(topicCount))
      .map(([topic, [happiness, count]]) => [topic, happiness * count] as [string, number])
      .map(([topic, happinessValue]) => [happinessValue, topic] as [number, string])
      .transform((rdd) => rdd.sortByKey(false));
  return { happiest60: happiest(Seconds(60)), happiest10: happiest(Seconds(10)) };
}

/** Builds the example on a new context (not started), on every core (`local[*]`) unless `conf` says otherwise; `println` receives its lines. */
export async function hashTagJoinSentiments(
  args: readonly string[],
  conf = new SparkConf().setMaster('local[*]'),
  println: Println = (line) => console.log(line),
): Promise<StreamingContext> {
  requireArgs(args.length >= 3, 'Usage: HashTagJoinSentiments <hostname> <port> <word-sentiment file>');
  const graphArgs: SentimentArgs = { host: args[0]!, port: intArg(args[1], 'port'), wordSentimentFilePath: args[2]! };
  const sparkConf = conf.setAppName('HashTagJoinSentiments');
  const ssc = new StreamingContext(sparkConf, Seconds(2));
  const { happiest60, happiest10 } = await ssc.buildGraph<HappiestTopics>(import.meta.url, 'happiestTopics', graphArgs);

  // Print hash tags with the most positive sentiment values
  for (const [stream, seconds] of [[happiest60, 60], [happiest10, 10]] as const) {
    stream.foreachRDD(async (rdd) => {
      const topList = await rdd.take(10);
      println(`\nHappiest topics in last ${seconds} seconds (${await rdd.count()} total):`);
      for (const [happiness, tag] of topList) println(`${tag} (${happiness} happiness)`);
    });
  }
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = await hashTagJoinSentiments(args);
  await ssc.start();
  await ssc.awaitTermination();
});
