import type { SparkConf } from '@kindling/core';
import type { TopicPartition } from './topic-partition.ts';

/**
 * Spark's `PerPartitionConfig`: the rate limits of each topic partition of a direct stream,
 * in records per second. Subclass it for per-partition limits; the default reads
 * `spark.streaming.kafka.maxRatePerPartition` (0 = unlimited) and
 * `spark.streaming.kafka.minRatePerPartition` (1), which every log source honours.
 */
export abstract class PerPartitionConfig {
  /** At most this many records per second from `tp` (0: no limit). */
  abstract maxRatePerPartition(tp: TopicPartition): number;
  /** At least this many records per batch from `tp` when the rate is limited. */
  minRatePerPartition(_tp: TopicPartition): number { return 1; }
}

/** The limits from the configuration (Spark's `DefaultPerPartitionConfig`). */
export class DefaultPerPartitionConfig extends PerPartitionConfig {
  readonly maxRate: number;
  readonly minRate: number;

  constructor(conf: SparkConf) {
    super();
    this.maxRate = nonNegative(conf, 'spark.streaming.kafka.maxRatePerPartition', 0);
    this.minRate = nonNegative(conf, 'spark.streaming.kafka.minRatePerPartition', 1);
    if (this.minRate <= 0) throw new RangeError(`spark.streaming.kafka.minRatePerPartition must be > 0, got ${this.minRate}.`);
  }

  maxRatePerPartition(): number { return this.maxRate; }
  override minRatePerPartition(): number { return this.minRate; }
}

function nonNegative(conf: SparkConf, key: string, fallback: number): number {
  const raw = conf.getOption(key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new RangeError(`Configuration key ${key} must be a number >= 0 (records per second), got '${raw}'.`);
  return n;
}
