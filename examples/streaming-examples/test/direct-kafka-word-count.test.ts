import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SparkConf } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';
import { directKafkaWordCount } from '../src/direct-kafka-word-count.ts';
import { produceWordCount, wordCountMessages } from '../src/redis-streams-word-count-producer.ts';
import { UsageError } from '../src/run-example.ts';
import { startRedisServer, type RedisServer } from '../../../packages/redis/test/support/redis-server.ts';
import { seededRandom } from '../../../packages/dstream/test/support/child-process.ts';
import { capture, printedBatches, totals, wordCounts } from './support/printed.ts';

describe('DirectKafkaWordCount on Redis Streams', () => {
  let server: RedisServer;
  let ssc: StreamingContext | undefined;
  beforeAll(async () => { server = await startRedisServer(); });
  afterEach(async () => { await ssc?.stop(); });
  afterAll(async () => { await server?.dispose(); });

  it('counts the words the producer command sends to its topics after it started, every 2 seconds', async () => {
    // Two seconds' worth of messages from the producer command, to two topics.
    const sent1 = await produceWordCount([server.url, 'topic1', '20', '5'], 2, seededRandom(1));
    const sent2 = await produceWordCount([server.url, 'topic2', '10', '3'], 1, seededRandom(2));
    expect([sent1, sent2]).toEqual([40, 10]);
    ssc = directKafkaWordCount([server.url, 'topic1,topic2', 'wc'], new SparkConf().setMaster('local[2]').set('spark.streaming.clock', 'manual'));
    const out = capture(ssc);
    // The group has no commits and auto.offset.reset is Kafka's default (latest): what the
    // producer sends after start is counted.
    await ssc.start();
    const rnd = seededRandom(3);
    const later = await produceWordCount([server.url, 'topic1', '25', '4'], 1, rnd);
    const later2 = await produceWordCount([server.url, 'topic2', '7', '6'], 1, seededRandom(4));
    expect([later, later2]).toEqual([25, 7]);
    await (ssc.clock as ManualClock).advance(2000);
    const sentText = [...wordCountMessages(25, 4, seededRandom(3)), ...wordCountMessages(7, 6, seededRandom(4))].map((r) => r.value).join('\n');
    const expected = wordCounts(sentText);
    expect(printedBatches(out).map((b) => b.time)).toEqual(['2000 ms']);
    expect([...totals(out)].sort()).toEqual([...expected].sort());
  });

  it('prints its usage when arguments are missing', () => {
    expect(() => directKafkaWordCount(['redis://127.0.0.1:6379'])).toThrow(UsageError);
    expect(() => directKafkaWordCount(['redis://127.0.0.1:6379'])).toThrow('Usage: DirectKafkaWordCount <redis-url> <topics>');
  });
});
