/**
 * One record read from a topic partition, with Kafka's accessors, so that
 * `messages.map(_.value)` ports as `messages.map((r) => r.value())`. The key is `undefined`
 * for records sent without one (Kafka's `null`).
 */
export class ConsumerRecord<K = string | undefined, V = string> {
  readonly #topic: string;
  readonly #partition: number;
  readonly #offset: number;
  readonly #timestamp: number;
  readonly #key: K;
  readonly #value: V;

  constructor(topic: string, partition: number, offset: number, timestamp: number, key: K, value: V) {
    this.#topic = topic;
    this.#partition = partition;
    this.#offset = offset;
    this.#timestamp = timestamp;
    this.#key = key;
    this.#value = value;
  }

  /** The topic the record was read from. */
  topic(): string { return this.#topic; }
  /** Its partition. */
  partition(): number { return this.#partition; }
  /** Its offset in the partition (dense, from 0). */
  offset(): number { return this.#offset; }
  /** When the producer sent it (epoch ms; Kafka's `CreateTime`). */
  timestamp(): number { return this.#timestamp; }
  /** Its key, or `undefined`. */
  key(): K { return this.#key; }
  /** Its value. */
  value(): V { return this.#value; }

  toString(): string {
    return `ConsumerRecord(topic = ${this.#topic}, partition = ${this.#partition}, offset = ${this.#offset}, CreateTime = ${this.#timestamp}, key = ${this.#key === undefined ? 'null' : String(this.#key)}, value = ${String(this.#value)})`;
  }
}
