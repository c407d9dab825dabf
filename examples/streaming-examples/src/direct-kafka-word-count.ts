/**
 * Port of Spark's `DirectKafkaWordCount` (streaming-kafka-0-10) on Redis Streams: counts the
 * words of the messages of one or more topics, every 2 seconds, through the direct stream API
 * (`createDirectStream`, one RDD partition per topic partition).
 *
 * Usage: `DirectKafkaWordCount <redis-url> <topics> [<groupId>]`: `<redis-url>` is
 * `redis://host:port`, `rediss://...` or `unix:///path/redis.sock`; `<topics>` a
 * comma-separated list of topics created with `RedisStreamsAdmin.createTopic` (the producer
 * command `RedisStreamsWordCountProducer` creates its topic). Example:
 * `pnpm -F @kindling/example-streaming-examples DirectKafkaWordCount redis://127.0.0.1:6379 topic1,topic2`
 */
import { SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '@kindling/dstream';
import { ConsumerStrategies, LocationStrategies, RedisStreamsUtils } from '@kindling/redis';
import { requireArgs, runExample } from './run-example.ts';

/** Builds the example on a new context (not started). `conf` lets tests pick the clock. */
export function directKafkaWordCount(args: readonly string[], conf = new SparkConf().setMaster('local[2]')): StreamingContext {
  requireArgs(args.length >= 2, 'Usage: DirectKafkaWordCount <redis-url> <topics> [<groupId>]\n  <redis-url> is the Redis server (redis://host:port or unix:///path)\n  <topics> is a list of one or more topics to consume from');
  const [url, topics, groupId = 'DirectKafkaWordCount'] = args as [string, string, string?];
  // Create context with 2 second batch interval
  const sparkConf = conf.setAppName('DirectKafkaWordCount');
  const ssc = new StreamingContext(sparkConf, Seconds(2));
  // Create direct stream with the server and topics
  const topicsSet = [...new Set(topics.split(','))];
  const params = { 'redis.url': url, 'group.id': groupId };
  const messages = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent, ConsumerStrategies.Subscribe(topicsSet, params));
  // Get the lines, split them into words, count the words and print
  const lines = messages.map((r) => r.value());
  const words = lines.flatMap((l) => l.split(' '));
  const wordCounts = words.map((x) => [x, 1] as [string, number]).reduceByKey((a, b) => a + b);
  wordCounts.print();
  return ssc;
}

runExample(import.meta.url, async (args) => {
  const ssc = directKafkaWordCount(args);
  await ssc.start();
  await ssc.awaitTermination();
});
