import { StorageLevel } from '@kindling/core';
import { NEVER, type Observable } from 'rxjs';
import type { ReceiverSupervisor } from './receiver-supervisor.ts';

/**
 * A custom source that pushes records into a stream (Spark's `Receiver`), run in-process by a
 * receiver supervisor once `ssc.receiverStream(receiver)` is started.
 *
 * Contract, as in Spark:
 * - `onStart()` sets up the reception (open a connection, subscribe, start a timer) and must
 *   not block: Node delivers data through events, which call `store`.
 * - `onStop()` releases what `onStart` set up. Called on `stop`, before a `restart`, and when
 *   the context stops.
 * - `store(record)` hands one record to the stream; records are cut into blocks every
 *   `spark.streaming.blockInterval` (200 ms) and each block becomes one partition of a batch.
 *   `store(records[])` stores an array of records as one block of its own, right away and
 *   without rate limiting (Spark's `store(ArrayBuffer)`). A receiver whose records are
 *   themselves arrays uses {@link Receiver.storeItem} for one record.
 * - `restart(message, error?)` asks for `onStop()` then, after `spark.streaming.receiverRestartDelay`
 *   (2 s), `onStart()` again; `stop(message)` stops the receiver, which (as under Spark's
 *   ReceiverTracker) is started again at once while the context runs; `reportError` tells the
 *   listeners without stopping. An exception thrown by `onStart` stops the receiver and starts
 *   it again after the restart delay. Only stopping the context stops a receiver for good.
 * - Listener events follow Spark's order: `onReceiverStarted` before each `onStart`,
 *   `onReceiverStopped` after each `onStop` (with the reason and any error: a restart, a `stop`,
 *   an `onStart` that threw, the context stopping), `onReceiverError` only for `reportError`.
 * - Rate limits (`spark.streaming.receiver.maxRate`, backpressure) never drop records: what
 *   exceeds the rate waits in memory, and {@link Receiver.paused$} turns `true`, so a source
 *   that can pause its input (a socket) should stop reading until it turns `false` again.
 *
 * @example
 * ```ts
 * class TickReceiver extends Receiver<number> {
 *   private timer: NodeJS.Timeout | undefined;
 *   onStart() { let i = 0; this.timer = setInterval(() => this.store(i++), 10); }
 *   onStop() { clearInterval(this.timer); }
 * }
 * const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('Ticks'), Seconds(1));
 * const ticks = ssc.receiverStream(new TickReceiver());
 * ticks.count().print();
 * await ssc.start();
 * await ssc.awaitTerminationOrTimeout(2500);
 * await ssc.stop();
 * ```
 */
export abstract class Receiver<T> {
  #supervisor: ReceiverSupervisor<T> | undefined;

  /** @param storageLevel kept for API compatibility with Spark; blocks live in the block store. */
  constructor(readonly storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_2) {}

  /** Starts receiving; must not block. May return a Promise (awaited before the receiver counts as started). */
  abstract onStart(): void | Promise<void>;
  /** Stops receiving and releases resources. May return a Promise. */
  abstract onStop(): void | Promise<void>;

  /** Where the receiver prefers to run; in-process, informational only. */
  get preferredLocation(): string | undefined { return undefined; }

  /** The id of the input stream this receiver feeds. */
  get streamId(): number { return this.supervisor('streamId').streamId; }

  /** Stores one record, or (given an array) an array of records as one block. */
  store(recordOrRecords: T | readonly T[]): void {
    const s = this.supervisor('store');
    if (Array.isArray(recordOrRecords)) s.pushBlock(recordOrRecords as readonly T[]);
    else s.pushSingle(recordOrRecords as T);
  }

  /** Stores exactly one record, even when records are arrays. */
  storeItem(record: T): void { this.supervisor('storeItem').pushSingle(record); }

  /** Stops, then restarts the receiver after `delayMs` (default `spark.streaming.receiverRestartDelay`). */
  restart(message: string, error?: unknown, delayMs?: number): void { this.supervisor('restart').restartReceiver(message, error, delayMs); }

  /**
   * Stops the receiver (`onStop`, `onReceiverStopped` with `message`). As under Spark's
   * ReceiverTracker, it is started again (`onStart`) for as long as the context runs: at once,
   * or after `spark.streaming.receiverRestartDelay` when called before `onStart` returned.
   * Only stopping the context stops a receiver for good.
   */
  stop(message: string, error?: unknown): void { this.supervisor('stop').stoppedByReceiver(message, error); }

  /** Reports an error to the listeners (`onReceiverError`) without stopping. */
  reportError(message: string, error?: unknown): void { this.supervisor('reportError').reportError(message, error); }

  /** True once `onStart` has completed, until the receiver is stopped or restarting. */
  isStarted(): boolean { return this.#supervisor?.isReceiverStarted() ?? false; }

  /** True when the receiver is not started (before start, while restarting, after stop). */
  isStopped(): boolean { return this.#supervisor?.isReceiverStopped() ?? true; }

  /** `true` while stored records wait for the rate limiter: a pausable source should pause. */
  get paused$(): Observable<boolean> { return this.#supervisor?.throttled$ ?? NEVER; }

  /** @internal Called once by the receiver stream. */
  attachSupervisor(supervisor: ReceiverSupervisor<T>): void {
    if (this.#supervisor !== undefined && this.#supervisor !== supervisor) {
      throw new Error(`${this.constructor.name} is already used by input stream ${this.#supervisor.streamId}: create one receiver instance per receiverStream().`);
    }
    this.#supervisor = supervisor;
  }

  private supervisor(what: string): ReceiverSupervisor<T> {
    const s = this.#supervisor;
    if (s === undefined) {
      throw new Error(`${this.constructor.name}.${what}() was called before the receiver was started: pass it to ssc.receiverStream() and call it from onStart() or later.`);
    }
    return s;
  }
}
