import type { TopicPartition } from './topic-partition.ts';

/** Consumer parameters (Spark's `kafkaParams`): `group.id`, `auto.offset.reset`, the adapter's own keys. */
export type LogParams = Readonly<Record<string, string | number | boolean>>;

/** Starting offsets given in code, per topic partition (Spark's `offsets: Map[TopicPartition, Long]`). */
export type StartingOffsets = readonly (TopicPartition & { readonly offset: number })[];

/**
 * Which topic partitions a direct stream reads and where it starts (Spark's
 * `ConsumerStrategy`); made by {@link ConsumerStrategies}. Where a partition starts, in order
 * of precedence: the checkpoint (on recovery), `offsets` given here, the offset committed for
 * `group.id`, then `auto.offset.reset` (`latest`, the default as in Kafka, `earliest`, or
 * `none`: fail).
 */
export abstract class ConsumerStrategy {
  protected constructor(
    /** The consumer parameters. */
    readonly params: LogParams,
    /** Starting offsets given in code. */
    readonly offsets: StartingOffsets,
  ) {}

  /** Subscribed topics, or undefined for an explicit assignment. */
  abstract get topics(): readonly string[] | undefined;
  /** Assigned partitions, or undefined for a subscription. */
  abstract get assignment(): readonly TopicPartition[] | undefined;

  /** A parameter as a string, or `fallback`. */
  param(key: string, fallback: string): string;
  param(key: string): string | undefined;
  param(key: string, fallback?: string): string | undefined {
    const v = this.params[key];
    return v === undefined ? fallback : String(v);
  }
}

class Subscribe extends ConsumerStrategy {
  constructor(private readonly subscribed: readonly string[], params: LogParams, offsets: StartingOffsets) {
    super(params, offsets);
    if (subscribed.length === 0) throw new Error('ConsumerStrategies.Subscribe needs at least one topic.');
  }
  get topics(): readonly string[] { return this.subscribed; }
  get assignment(): undefined { return undefined; }
  override toString(): string { return `Subscribe(${this.subscribed.join(', ')})`; }
}

class Assign extends ConsumerStrategy {
  constructor(private readonly partitions: readonly TopicPartition[], params: LogParams, offsets: StartingOffsets) {
    super(params, offsets);
    if (partitions.length === 0) throw new Error('ConsumerStrategies.Assign needs at least one topic partition.');
  }
  get topics(): undefined { return undefined; }
  get assignment(): readonly TopicPartition[] { return this.partitions; }
  override toString(): string { return `Assign(${this.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')})`; }
}

/**
 * Spark's `ConsumerStrategies`: `Subscribe(topics, params, offsets?)` reads every partition of
 * the topics; `Assign(topicPartitions, params, offsets?)` reads exactly those partitions.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * const s = ConsumerStrategies.Subscribe(['orders'], { 'group.id': 'dash', 'auto.offset.reset': 'earliest' });
 * assert.deepEqual(s.topics, ['orders']);
 * const a = ConsumerStrategies.Assign([{ topic: 'orders', partition: 1 }], { 'group.id': 'dash' }, [{ topic: 'orders', partition: 1, offset: 42 }]);
 * assert.equal(a.offsets[0]!.offset, 42);
 * ```
 */
export const ConsumerStrategies = {
  Subscribe(topics: readonly string[], params: LogParams, offsets: StartingOffsets = []): ConsumerStrategy {
    return new Subscribe([...topics], params, offsets);
  },
  Assign(topicPartitions: readonly TopicPartition[], params: LogParams, offsets: StartingOffsets = []): ConsumerStrategy {
    return new Assign(topicPartitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })), params, offsets);
  },
};
