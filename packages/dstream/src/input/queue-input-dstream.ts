import type { RDD, Time } from '@kindling/core';
import { dstreamClasses } from '../dstream/registry.ts';
import type { StreamingContext } from '../streaming-context.ts';
import { InputDStream } from './input-dstream.ts';

/**
 * `ssc.queueStream(queue, oneAtATime, defaultRDD)`: each batch takes the front item of `queue`
 * (or, with `oneAtATime = false`, all of it, as one union). Items are RDDs or plain arrays;
 * items pushed while running are picked up. An empty queue gives `defaultRDD`, or an empty
 * RDD. The queue's contents are not checkpointed, so a graph with a queue stream cannot be
 * recovered. An array becomes its batch's RDD through `parallelize`, which copies it: later
 * changes to the array change no batch (copying 5,000 references costs a few µs, below what
 * `pnpm bench` can tell apart; see BENCHMARKS.md, branch `grp`). As Spark's, a queue stream
 * reports no input info: its batches' `numRecords` (and the UI's and REST's input size) are 0.
 */
export class QueueInputDStream<T> extends InputDStream<T> {
  static override kind = 'queueStream';
  constructor(
    ssc: StreamingContext,
    private readonly queue: (RDD<T> | readonly T[])[],
    private readonly oneAtATime: boolean,
    private readonly defaultRDD: RDD<T> | undefined,
  ) { super(ssc); }

  start(): void {}
  stop(): void {}

  override hasPendingInput(): boolean { return this.queue.length > 0; }

  compute(validTime: Time): RDD<T> | undefined {
    const taken = this.oneAtATime ? this.queue.splice(0, this.queue.length > 0 ? 1 : 0) : this.queue.splice(0, this.queue.length);
    const sc = this.ssc.sparkContext;
    // As Spark's queue stream, no input info is reported: its batches count 0 records
    // (numRecords, the UI's and REST's input size and rate) whatever the queue held.
    const rdds = taken.map((item) => (Array.isArray(item) ? sc.parallelize(item as T[]) : (item as RDD<T>)));
    if (rdds.length === 1) return rdds[0];
    if (rdds.length > 1) return sc.union(rdds);
    return this.defaultRDD ?? sc.emptyRDD<T>();
  }
}
dstreamClasses.QueueInputDStream = QueueInputDStream;
