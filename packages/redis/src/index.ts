export { RedisStreamsUtils } from './redis-streams-utils.ts';
export { RedisStreamsAdmin } from './redis-streams-admin.ts';
export type { RedisStreamsConfig, TopicDescription, PartitionDescription, GroupDescription } from './redis-streams-admin.ts';
export { RedisStreamsProducer } from './redis-streams-producer.ts';
export type { ProducerRecord, RecordMetadata } from './redis-streams-producer.ts';
export { ConsumerRecord } from './consumer-record.ts';
export { RedisLogSource } from './redis-log-source.ts';
export { RedisPartitionLeases, groupKeys } from './redis-partition-leases.ts';
export { RedisRepartitionLog } from './redis-repartition-log.ts';
// Spark's vocabulary, so that a port imports it from one place.
export { ConsumerStrategies, LocationStrategies, OffsetRange, OffsetOutOfRangeError, hasOffsetRanges } from '@kindling/dstream';
export type { HasOffsetRanges, CanCommitOffsets } from '@kindling/dstream';
