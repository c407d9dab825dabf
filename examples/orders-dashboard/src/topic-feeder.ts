import { readFile } from 'node:fs/promises';
import type { RedisStreamsProducer } from '@kindling/redis';
import { paceFeed, type FeedFile, type FeedOptions } from './feeder.ts';

/** The client id of an order line (its third field), or undefined for a line without one. */
export function clientIdOf(line: string): string | undefined {
  const a = line.indexOf(',');
  const b = a < 0 ? -1 : line.indexOf(',', a + 1);
  const c = b < 0 ? -1 : line.indexOf(',', b + 1);
  return c < 0 ? undefined : line.slice(b + 1, c);
}

/**
 * Produces the lines of one piece into `topic`, keyed by client id (so all orders of a client
 * land in one partition, in order); a line without a client id goes round-robin. Resolves
 * with the number of lines sent.
 */
export async function produceOrders(file: FeedFile, producer: RedisStreamsProducer, topic: string): Promise<number> {
  const text = await readFile(file.path, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records = lines.map((line) => {
    const key = clientIdOf(line);
    return key === undefined ? { value: line } : { key, value: line };
  });
  await producer.send(topic, records);
  return records.length;
}

/** Produces the pieces one every `everyMs` (the live dashboard's feeder, on a topic). */
export function feedTopic(files: readonly FeedFile[], producer: RedisStreamsProducer, topic: string, options: FeedOptions): Promise<void> {
  return paceFeed(files, options, (file) => produceOrders(file, producer, topic));
}
