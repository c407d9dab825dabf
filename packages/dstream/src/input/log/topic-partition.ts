/**
 * One partition of a topic (Kafka's `TopicPartition`), as plain data. Partitions are numbered
 * from 0.
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** `topic-partition`, as Kafka prints a `TopicPartition` (and names its log folders). */
export function topicPartitionKey(tp: TopicPartition): string { return `${tp.topic}-${tp.partition}`; }
