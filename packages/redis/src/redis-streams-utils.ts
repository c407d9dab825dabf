import { ConsumerStrategy, LocationStrategy, LogInputDStream, PerPartitionConfig, type StreamingContext } from '@kindling/dstream';
import type { ConsumerRecord } from './consumer-record.ts';
import { RedisLogSource } from './redis-log-source.ts';

/**
 * Spark's `KafkaUtils`, for Redis Streams: `createDirectStream(ssc, locationStrategy,
 * consumerStrategy, perPartitionConfig?)` gives a DStream of {@link ConsumerRecord}s, one
 * RDD partition per topic partition, exactly once with a checkpoint (see
 * `LogInputDStream`). Parameters: `redis.url` (required: `redis://`, `rediss://` or
 * `unix:///path`), `group.id`, `auto.offset.reset` (`latest` default, `earliest`, `none`),
 * `enable.auto.commit` (`false` default: commit with `stream.commitAsync(ranges)`; `true`:
 * every batch's offsets are committed once its outputs succeeded),
 * `kindling.offsets.outOfRange` (`fail` default, or `reset`).
 *
 * @example
 * ```ts fragment: needs a running Redis server with the topic
 * const messages = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
 *   ConsumerStrategies.Subscribe(['orders'], { 'redis.url': 'redis://127.0.0.1:6379', 'group.id': 'dash', 'auto.offset.reset': 'earliest' }));
 * messages.map((r) => r.value()).print();
 * ```
 */
export const RedisStreamsUtils = {
  createDirectStream(
    ssc: StreamingContext,
    locationStrategy: LocationStrategy,
    consumerStrategy: ConsumerStrategy,
    perPartitionConfig?: PerPartitionConfig,
  ): LogInputDStream<ConsumerRecord> {
    const url = consumerStrategy.param('redis.url');
    if (url === undefined) throw new Error(`RedisStreamsUtils.createDirectStream(${consumerStrategy}): the parameter redis.url is missing (e.g. 'redis://127.0.0.1:6379' or 'unix:///run/redis/redis.sock').`);
    return new LogInputDStream<ConsumerRecord>(ssc, new RedisLogSource(url), consumerStrategy, locationStrategy, perPartitionConfig);
  },
};
