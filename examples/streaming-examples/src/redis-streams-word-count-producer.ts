/**
 * The producer for `DirectKafkaWordCount` (Spark's `KafkaWordCountProducer`, on Redis
 * Streams): every second, sends `<messagesPerSec>` messages of `<wordsPerMessage>` random
 * digits to `<topic>` (created with 2 partitions when missing), until stopped.
 *
 * Usage: `RedisStreamsWordCountProducer <redis-url> <topic> <messagesPerSec> <wordsPerMessage>`
 */
import { RedisStreamsAdmin, RedisStreamsProducer, type ProducerRecord } from '@kindling/redis';
import { intArg, requireArgs, runExample } from './run-example.ts';

/** One second's messages: `messagesPerSec` lines of `wordsPerMessage` digits 0-9, space-separated. */
export function wordCountMessages(messagesPerSec: number, wordsPerMessage: number, random: () => number = Math.random): ProducerRecord[] {
  const out: ProducerRecord[] = [];
  for (let m = 0; m < messagesPerSec; m++) {
    const words: string[] = [];
    for (let w = 0; w < wordsPerMessage; w++) words.push(String(Math.floor(random() * 10)));
    out.push({ value: words.join(' ') });
  }
  return out;
}

/** Creates the topic if needed and sends `rounds` seconds of messages (unbounded by default). */
export async function produceWordCount(args: readonly string[], rounds = Number.POSITIVE_INFINITY, random?: () => number): Promise<number> {
  requireArgs(args.length >= 4, 'Usage: RedisStreamsWordCountProducer <redis-url> <topic> <messagesPerSec> <wordsPerMessage>');
  const [url, topic] = args as [string, string];
  const messagesPerSec = intArg(args[2], 'messagesPerSec');
  const wordsPerMessage = intArg(args[3], 'wordsPerMessage');
  const admin = new RedisStreamsAdmin({ url });
  const producer = new RedisStreamsProducer({ url });
  let sent = 0;
  try {
    if ((await admin.partitionsFor(topic)) === 0) await admin.createTopic(topic, 2);
    for (let round = 0; round < rounds; round++) {
      sent += (await producer.send(topic, wordCountMessages(messagesPerSec, wordsPerMessage, random))).length;
      if (round + 1 < rounds) await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await producer.close();
    await admin.close();
  }
  return sent;
}

runExample(import.meta.url, async (args) => {
  await produceWordCount(args);
});
