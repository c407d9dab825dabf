import type { LogSourceRateConf } from '../../streaming-conf.ts';
import type { TopicPartition } from './topic-partition.ts';

/**
 * Spark's `PerPartitionConfig`: the rate limits of each topic partition of a direct stream,
 * in records per second. Subclass it for per-partition limits; the default applies
 * `spark.streaming.kafka.maxRatePerPartition` (0 = unlimited) and
 * `spark.streaming.kafka.minRatePerPartition` (1), which every log source honours (read by
 * `ssc.streamingConf.logSourceRates`).
 */
export abstract class PerPartitionConfig {
  /** At most this many records per second from `tp` (0: no limit). */
  abstract maxRatePerPartition(tp: TopicPartition): number;
  /** At least this many records per batch from `tp` when the rate is limited. */
  minRatePerPartition(_tp: TopicPartition): number { return 1; }
}

/**
 * The limits from the configuration (Spark's `DefaultPerPartitionConfig`): the same for every
 * partition, from `ssc.streamingConf.logSourceRates`.
 */
export class DefaultPerPartitionConfig extends PerPartitionConfig {
  readonly maxRate: number;
  readonly minRate: number;

  constructor(rates: LogSourceRateConf) {
    super();
    this.maxRate = rates.maxRatePerPartition;
    this.minRate = rates.minRatePerPartition;
  }

  maxRatePerPartition(): number { return this.maxRate; }
  override minRatePerPartition(): number { return this.minRate; }
}
