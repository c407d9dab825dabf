import type { RDD, Time } from '@kindling/core';
import { InputDStream } from '../internal.ts';
import type { StreamingContext } from '../internal.ts';

/**
 * An input stream that feeds `input[i]` as batch i+1 (like Spark's `TestInputStream`),
 * sliced into `numPartitions` partitions; an `undefined` entry means "no RDD for that batch";
 * batches after the end of `input` are empty.
 */
export class TestInputDStream<T> extends InputDStream<T> {
  static override kind = 'testInput';
  constructor(
    ssc: StreamingContext,
    private readonly input: readonly (readonly T[] | undefined)[],
    private readonly numPartitions: number,
  ) { super(ssc); }

  /** Input batches handed out so far (for `processAllAvailable`). */
  private consumed = 0;

  start(): void {}
  stop(): void {}

  /** True until every input batch has been handed to a batch. */
  override hasPendingInput(): boolean { return this.consumed < this.input.length; }

  compute(validTime: Time): RDD<T> | undefined {
    const index = validTime.minus(this.zeroTime!).div(this.slideDuration) - 1;
    this.consumed = Math.max(this.consumed, index + 1);
    const selected = index < this.input.length ? this.input[index] : [];
    if (selected === undefined) return undefined;
    this.reportInputInfo(validTime, selected.length);
    return this.ssc.sparkContext.parallelize(selected as T[], this.numPartitions);
  }
}
