import type { Duration, Time } from '@kindling/core';
import { DStream } from '../dstream/dstream.ts';
import type { StreamingContext } from '../streaming-context.ts';
import type { InputOwnership } from '../parallel/input-ownership.ts';
import { inputStreamName } from './input-stream-name.ts';

/**
 * The base of every source, as Spark's `InputDStream`: `super(ssc)` registers the stream with
 * the graph. A subclass implements `start()` and `stop()` (either may return a Promise; the
 * context awaits it) and a synchronous `compute(validTime)` returning the batch's RDD, or
 * `undefined` for "no RDD this batch" (not the same as an empty RDD: `union`/`transform` over
 * a missing parent fail the batch).
 *
 * Optional protocol:
 * - `hasPendingInput()` tells `ssc.processAllAvailable()` whether there is input not yet
 *   assigned to a batch.
 * - `prepareBatch(time)`: asynchronous work a new batch needs before the synchronous
 *   `compute(time)` (a log source asks the log where it ends); the job generator awaits it.
 * - `reportInputInfo(time, numRecords)` from `compute` fills `BatchInfo.numRecords`.
 * - `assignInput(time, description)` / `assignedInput(time)`: a replayable description of what
 *   each batch read (file names, offset ranges). `compute(time)` should consult
 *   `assignedInput(time)` first and otherwise assign new input; checkpoint recovery restores
 *   the ledger with `restoreAssignedInputs`, so a recovered batch reads the same input.
 *   Sources that do this set `isReplayable` to true.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * class CounterInputDStream extends InputDStream<number> {
 *   static override kind = 'counter'; // its stable id in names and checkpoints
 *   private next = 0;
 *   start() {}
 *   stop() {}
 *   compute(time: Time) {
 *     const xs = [this.next++, this.next++];
 *     this.reportInputInfo(time, xs.length);
 *     return this.context.sparkContext.parallelize(xs);
 *   }
 * }
 *
 * const conf = new SparkConf().setMaster('local[2]').setAppName('Counter').set('spark.streaming.clock', 'manual');
 * const ssc = new StreamingContext(conf, Seconds(1));
 * const batches: number[][] = [];
 * new CounterInputDStream(ssc).foreachRDD(async (rdd) => { batches.push(await rdd.collect()); });
 * await ssc.start();
 * await (ssc.clock as ManualClock).advance(2000); // runs the batches of 1000 and 2000 ms
 * await ssc.stop();
 * assert.deepEqual(batches, [[0, 1], [2, 3]]);
 * ```
 */
export abstract class InputDStream<T, D = unknown> extends DStream<T> {
  static override kind = 'input';
  /** Numeric id of this input (Spark's input stream id), as in `BatchInfo.streamIdToInputInfo`. */
  readonly id: number;
  private readonly assignments = new Map<number, D>();

  #ownership: InputOwnership | undefined;

  constructor(ssc: StreamingContext) {
    super(ssc);
    this.id = ssc.graph.addInputStream(this);
  }

  /**
   * `local[N]` with a graph module: which partitions of each batch's input this thread holds
   * (handed by `buildGraph` on the driver, and by the worker thread that built the graph).
   * @internal
   */
  readOwnedPartitions(ownership: InputOwnership): void { this.#ownership = ownership; }

  /** Which partitions of each batch's input this thread holds; undefined (one thread): every partition. @internal */
  protected get inputOwnership(): InputOwnership | undefined { return this.#ownership; }

  /** Starts the source (open sockets, watch directories); awaited by `ssc.start()`. */
  abstract start(): void | Promise<void>;
  /** Stops the source; awaited by `ssc.stop()`. */
  abstract stop(): void | Promise<void>;

  /** True while the source has input not yet assigned to a batch (for `processAllAvailable`). */
  hasPendingInput?(): boolean;

  /**
   * Asynchronous work before batch `validTime` is generated (e.g. asking a log for its end
   * offsets), awaited by the job generator before it calls `compute(validTime)`. Batches are
   * still generated one at a time, in time order. It should not reject: a source that cannot
   * prepare lets `compute` decide (run empty, or fail the batch).
   */
  prepareBatch?(validTime: Time): Promise<void>;

  /**
   * An extra batch to generate before batch `validTime`, at a time after the previous batch and
   * before `validTime` (`undefined`: none). Asked again after each extra batch is generated, so a
   * source may ask for several, in time order; each is then prepared and generated as a batch.
   * Group leases use it to run missed batch times of partitions behind the batches, each as a
   * batch of its own, without taking a batch time from what follows (see `GroupCatchUp`).
   */
  catchUpBefore?(validTime: Time): Promise<Time | undefined>;

  /**
   * The name Spark's Streaming UI and REST API show for this input (Spark's
   * `InputDStream.name`): its class name in words with its id, e.g. `Socket stream [0]` or
   * `Queue stream [1]`; a subclass of your own shows as its class. `name()` stays the stream's
   * stable id in checkpoints, logs and errors.
   */
  get inputStreamName(): string { return inputStreamName(this.inputClassName, this.id); }

  /** The class name `inputStreamName` is made from (Spark's class name). */
  protected get inputClassName(): string { return this.constructor.name; }

  /** True when batches can be replayed from `assignedInputs()` after recovery. */
  get isReplayable(): boolean { return false; }

  get dependencies(): readonly DStream<unknown>[] { return []; }
  get slideDuration(): Duration { return this.ssc.graph.batchDuration; }

  /** Reports how many records this input fed into batch `time` (call once from `compute`). */
  protected reportInputInfo(time: Time, numRecords: number, metadata: Record<string, unknown> = {}): void {
    this.ssc.scheduler.inputInfoTracker.reportInfo(time, { inputStreamId: this.id, numRecords, metadata });
  }

  /** Records what batch `time` reads, as a replayable description. */
  protected assignInput(time: Time, description: D): void { this.assignments.set(time.milliseconds, description); }

  /** What batch `time` was assigned, if anything (after recovery: the restored assignment). */
  protected assignedInput(time: Time): D | undefined { return this.assignments.get(time.milliseconds); }

  /** Every retained assignment, by batch time (ms); for metadata checkpoints. */
  assignedInputs(): ReadonlyMap<number, D> { return this.assignments; }

  /**
   * Why a description read back from a checkpoint cannot be one this stream assigned (e.g. a
   * file outside its directory), or `undefined` when it can. Recovery treats a checkpoint
   * with such a description as corrupt and falls back to an older one. Sources override it.
   */
  checkRestoredInput(_description: unknown): string | undefined { return undefined; }

  /** Restores assignments from a checkpoint before the recovered context starts. */
  restoreAssignedInputs(entries: Iterable<readonly [number, D]>): void {
    for (const [t, d] of entries) this.assignments.set(t, d);
  }

  override clearMetadata(time: Time): void {
    super.clearMetadata(time);
    const threshold = time.milliseconds - (this.rememberDuration ?? this.slideDuration).milliseconds;
    for (const t of this.assignments.keys()) if (t <= threshold) this.assignments.delete(t);
  }
}
