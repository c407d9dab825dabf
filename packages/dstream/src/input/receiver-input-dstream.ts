import { getLogger, OwnedPartitionsRDD, ParallelCollectionRDD, type RDD, type Time } from '@kindling/core';
import { dstreamClasses } from '../dstream/registry.ts';
import { PIDRateEstimator } from '../receiver/pid-rate-estimator.ts';
import { RateController } from '../receiver/rate-controller.ts';
import { RateLimiter } from '../receiver/rate-limiter.ts';
import { InMemoryBlockStore, type ReceivedBlockStore } from '../receiver/received-block-store.ts';
import { ReceivedBlockTracker } from '../receiver/received-block-tracker.ts';
import type { Receiver } from '../receiver/receiver.ts';
import { ReceiverSupervisor } from '../receiver/receiver-supervisor.ts';
import type { StreamingContext } from '../streaming-context.ts';
import type { BlockBatchInput } from './batch-input-description.ts';
import { InputDStream } from './input-dstream.ts';
import { receiverName } from './input-stream-name.ts';

const supervisorLog = getLogger('ReceiverSupervisor');
const streamLog = getLogger('ReceiverInputDStream');

/** Options of receiver streams beyond the configuration. */
export interface ReceiverStreamOptions {
  /**
   * Log lines (start, stop, restarts, connection attempts), all to this one function. Default:
   * the engine's logger (`ReceiverSupervisor`, `SocketReceiver`, ...), errors and restarts at WARN.
   */
  log?: (message: string) => void;
}

/**
 * A stream fed by a {@link Receiver} (Spark's `ReceiverInputDStream`, for
 * `ssc.receiverStream`, `socketTextStream`, `socketStream`, `observableStream`).
 *
 * The receiver runs in-process under a supervisor from `ssc.start()`. What it stores is cut
 * into blocks every `spark.streaming.blockInterval` (default `200ms`); batch `t` takes every
 * block received in `(t - batchDuration, t]` (the block being built is cut at `t`) and its RDD
 * has one partition per block, in arrival order; `BatchInfo.numRecords` counts them.
 *
 * Configuration (read at start): `spark.streaming.receiver.maxRate` (records/s, default
 * unlimited), `spark.streaming.backpressure.enabled` (a {@link PIDRateEstimator} adapts the
 * rate to how fast batches are processed), `spark.streaming.backpressure.initialRate` (the
 * rate before the first estimate, with backpressure), `spark.streaming.receiverRestartDelay`
 * (default `2s`). Rate limits are lossless (see {@link Receiver.paused$}).
 *
 * Durability: each block goes through the stream's {@link ReceivedBlockStore} (in memory by
 * default; the checkpoint session hands it the receiver write-ahead log through
 * {@link ReceiverInputDStream.useBlockStore} when `spark.streaming.receiver.writeAheadLog.enable`)
 * before any batch can take it, and each batch's block list is recorded (`assignedInputs()`).
 * A replayed batch whose blocks the store no longer has (in-memory store after a restart)
 * reads the blocks it still has and logs the missing ones, as Spark does without a
 * write-ahead log.
 */
export class ReceiverInputDStream<T> extends InputDStream<T, BlockBatchInput> {
  static override kind = 'receiverStream';
  #store: ReceivedBlockStore = new InMemoryBlockStore();
  #tracker: ReceivedBlockTracker | undefined;
  #supervisor: ReceiverSupervisor<T> | undefined;
  #rateController: RateController | undefined;
  #limiter: RateLimiter | undefined;
  /** In a worker thread: the blocks of the partitions it owns, sent by the driver, by batch time. */
  readonly #sentBlocks = new Map<number, (readonly T[] | undefined)[]>();

  constructor(
    ssc: StreamingContext,
    readonly receiver: Receiver<T>,
    private readonly opName = 'receiverStream',
    private readonly options: ReceiverStreamOptions = {},
  ) {
    super(ssc);
  }

  /**
   * As Spark's class: `ssc.receiverStream` is Spark's `PluggableInputDStream` (`Pluggable
   * stream [0]`); the other factories of this class are named after themselves
   * (`observableStream`: `Observable stream [0]`).
   */
  protected override get inputClassName(): string {
    const own: unknown = this.constructor;
    if (own !== ReceiverInputDStream) return super.inputClassName;
    const op = this.opName;
    return op === 'receiverStream' ? 'PluggableInputDStream' : `${op.charAt(0).toUpperCase()}${op.slice(1)}`;
  }

  /** Where block data is kept until its batches are forgotten (see {@link ReceiverInputDStream.useBlockStore}). */
  get blockStore(): ReceivedBlockStore { return this.#store; }

  /**
   * Makes `store` the stream's block store, in place of the in-memory default: called before
   * the context starts by whoever owns the store (the checkpoint session, with the receiver
   * write-ahead log). Throws once the stream has started.
   */
  useBlockStore(store: ReceivedBlockStore): void {
    if (this.#tracker !== undefined) throw new Error(`${this.name()}: the block store is chosen before the StreamingContext starts; call useBlockStore(store) before ssc.start().`);
    this.#store = store;
  }

  /**
   * Records in blocks the block store holds since the stream started (0 before start).
   * @internal
   */
  get storedRecords(): number { return this.#tracker?.storedRecords ?? 0; }

  /** The receiver's current rate limit in records/s (`Infinity` when unlimited); undefined before start. */
  get rateLimit(): number | undefined { return this.#limiter?.rate; }

  /** The backpressure controller, when `spark.streaming.backpressure.enabled`. */
  get rateController(): RateController | undefined { return this.#rateController; }

  start(): Promise<void> {
    const tracker = new ReceivedBlockTracker(this.id, this.#store, (info, e) => {
      this.#supervisor?.reportError(`Could not store block ${info.blockId} (${info.numRecords} records); they are lost`, e);
    });
    this.#tracker = tracker;
    const conf = this.ssc.streamingConf;
    const blockIntervalMs = conf.blockIntervalMs;
    const maxRate = conf.receiverMaxRate;
    const backpressure = conf.backpressure.enabled;
    const initialRate = backpressure ? conf.backpressure.initialRate : maxRate;
    this.#limiter = new RateLimiter(initialRate, maxRate, blockIntervalMs);
    const own = this.options.log;
    const log = own === undefined ? supervisorLog : { info: own, warn: own };
    const bus = this.ssc.scheduler.listenerBus;
    this.#supervisor = new ReceiverSupervisor<T>(this.receiver, {
      streamId: this.id,
      name: this.name(),
      receiverName: receiverName(this.receiver.constructor.name, this.id),
      blockIntervalMs,
      limiter: this.#limiter,
      restartDelayMs: conf.receiverRestartDelayMs,
      tracker,
      post: (kind, event) => bus.post(kind, event),
      log,
    });
    if (backpressure) {
      const limiter = this.#limiter;
      this.#rateController = new RateController(this.id, PIDRateEstimator.fromConf(conf.backpressure, this.ssc.batchDuration.milliseconds), (rate) => limiter.updateRate(rate));
      bus.addListener(this.#rateController);
    }
    return this.#supervisor.start();
  }

  async stop(): Promise<void> {
    if (this.#rateController !== undefined) this.ssc.scheduler.listenerBus.removeListener(this.#rateController);
    await this.stopReceiving();
  }

  /**
   * Stops the receiver for good and cuts what it stored into a last block, while batches can
   * still take it: for a graceful stop, call this, then let batches run until
   * `hasPendingInput()` is false (Spark's "process all received data"). Idempotent.
   */
  stopReceiving(): Promise<void> {
    return this.#supervisor?.stop('Stopped by driver') ?? Promise.resolve();
  }

  /**
   * Cuts what the receiver stored since the last block into a block now, as a batch does
   * (`waitForStoredRecords` of the test kit, so a long block interval does not hold records back).
   * @internal
   */
  cutBlock(): void { this.#supervisor?.generator.flush(); }

  /** True while records or blocks wait for a batch. */
  override hasPendingInput(): boolean {
    return (this.#supervisor?.generator.pendingRecords ?? 0) > 0 || (this.#tracker?.pendingBlocks ?? 0) > 0;
  }

  override get isReplayable(): boolean { return true; }

  /**
   * In a worker thread (`local[N]` with a graph module): the driver's blocks for batch `time`,
   * only the partitions this worker owns filled. The receiver runs on the driver only.
   * @internal
   */
  acceptBlocks(time: number, parts: (readonly T[] | undefined)[]): void { this.#sentBlocks.set(time, parts); }

  compute(validTime: Time): RDD<T> | undefined {
    const owned = this.inputOwnership;
    if (owned?.rank !== undefined) {
      const sent = this.#sentBlocks.get(validTime.milliseconds);
      if (sent === undefined) throw new Error(`${this.name()}: batch ${validTime}: worker thread ${owned.rank} got no blocks from the driver for this batch (internal error); the batch fails and runs again on recovery.`);
      return new OwnedPartitionsRDD<T>(this.ssc.sparkContext, sent, `${this.opName} ${this.name()} @ ${validTime}`);
    }
    let input = this.assignedInput(validTime);
    if (input === undefined) {
      // Blocks received up to now belong to this batch: cut the one being built.
      this.#supervisor?.generator.flush();
      input = { kind: 'blocks', blocks: this.#tracker?.allocate() ?? [] };
      this.assignInput(validTime, input);
    }
    const parts: (readonly T[])[] = [];
    const missing: string[] = [];
    let numRecords = 0;
    for (const block of input.blocks) {
      const records = this.#store.get(block.blockId);
      if (records === undefined) {
        missing.push(block.blockId);
        continue;
      }
      parts.push(records as readonly T[]);
      numRecords += records.length;
    }
    if (missing.length > 0) {
      (this.options.log ?? ((m: string) => streamLog.warn(m)))(
        `${this.name()}: batch ${validTime}: ${missing.length} block(s) could not be recovered (${missing.join(', ')}): ` +
          (this.#store instanceof InMemoryBlockStore
            ? 'received data lives in memory unless a durable block store (write-ahead log) is configured'
            : 'its durable block store does not have them (a write-ahead log damaged or deleted: see the warnings naming its files)') +
          '; the batch goes on without them.',
      );
    }
    this.reportInputInfo(validTime, numRecords, { blocks: input.blocks.length, missingBlocks: missing });
    const scope = `${this.opName} ${this.name()} @ ${validTime}`;
    // Under worker threads the driver holds every block and sends each partition to its owner.
    if (owned !== undefined) return new OwnedPartitionsRDD<T>(this.ssc.sparkContext, parts, scope);
    return new ParallelCollectionRDD<T>(this.ssc.sparkContext, parts, scope);
  }

  override clearMetadata(time: Time): void {
    const threshold = time.milliseconds - (this.rememberDuration ?? this.slideDuration).milliseconds;
    for (const t of this.#sentBlocks.keys()) if (t <= threshold) this.#sentBlocks.delete(t);
    const dropped: string[] = [];
    for (const [t, input] of this.assignedInputs()) if (t <= threshold) for (const b of input.blocks) dropped.push(b.blockId);
    super.clearMetadata(time);
    if (dropped.length > 0) this.#store.remove(dropped);
  }
}
dstreamClasses.ReceiverInputDStream = ReceiverInputDStream;
