/**
 * How a topic lives in Redis. A topic of N partitions is N streams, `<topic>-0` ..
 * `<topic>-<N-1>` (Kafka's names for its partition logs), and one field of the hash
 * `kindling:topics` (topic -> N). Offsets are dense: the record at offset o has the entry id
 * `0-<o+1>` (written with `XADD key 0-* ...`), so a range `[from, until)` is
 * `XRANGE key 0-<from+1> 0-<until>` and a group's committed offset c is its last-delivered
 * id `0-<c>`. Entry fields: `v` the value, `k` the key (absent when none), `t` the producer's
 * timestamp (epoch ms).
 */
export const TOPICS_KEY = 'kindling:topics';

/** Topic names as Kafka allows them: letters, digits, `.`, `_`, `-`, at most 249 characters. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** @throws Error naming the topic when Kafka would refuse the name. */
export function checkTopicName(topic: string): void {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new Error(`Invalid topic name '${topic}': use 1-249 letters, digits, '.', '_' or '-' (as Kafka).`);
  }
}

/** The stream key of a partition. */
export function streamKey(topic: string, partition: number): string { return `${topic}-${partition}`; }

/** The entry id of an offset. */
export function entryId(offset: number): string { return `0-${offset + 1}`; }

/**
 * The offset of an entry id; throws when the id is not one of ours (written with `XADD key *`
 * or another explicit id, so offsets are not dense).
 */
export function offsetOfId(id: string, key: string): number {
  if (id.charCodeAt(0) !== 48 || id.charCodeAt(1) !== 45) {
    throw new Error(`Stream ${key} has entry ${id}, which is not a dense offset id (0-<n>): write to Kindling topics with RedisStreamsProducer (or XADD ${key} 0-* ...).`);
  }
  return Number(id.slice(2)) - 1;
}

/** The sequence part of a `0-<n>` id (the next offset after it). */
export function sequenceOfId(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(dash + 1));
}
