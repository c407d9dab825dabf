import type { ReceiverInfo, StreamingListenerEvents } from '../scheduler/streaming-listener.ts';
import { BlockGenerator } from './block-generator.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { ReceivedBlockTracker } from './received-block-tracker.ts';
import type { Receiver } from './receiver.ts';

type State = 'initialized' | 'started' | 'stopped';

/** What a supervisor needs from its stream and context. @internal */
export interface ReceiverSupervisorOptions {
  readonly streamId: number;
  /** Name in logs (the stream's name). */
  readonly name: string;
  /** Name in `ReceiverInfo` events, as Spark's: the receiver's class and stream id (`SocketReceiver-0`). */
  readonly receiverName: string;
  readonly blockIntervalMs: number;
  readonly limiter: RateLimiter;
  readonly restartDelayMs: number;
  readonly tracker: ReceivedBlockTracker;
  readonly post: <K extends 'onReceiverStarted' | 'onReceiverError' | 'onReceiverStopped'>(kind: K, event: StreamingListenerEvents[K]) => void;
  /** Where start/stop lines (info) and errors/restarts (warn) go. */
  readonly log: { info(message: string): void; warn(message: string): void };
}

function errorText(error: unknown): string {
  if (error === undefined) return '';
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs one {@link Receiver} in-process (Spark's `ReceiverSupervisorImpl`): starts and stops it,
 * restarts it on request after a delay, cuts what it stores into blocks (a
 * {@link BlockGenerator} with the stream's rate limiter) and hands the blocks to the stream's
 * {@link ReceivedBlockTracker}. Also plays Spark's ReceiverTracker for it: a receiver that
 * stops itself is started again for as long as the context runs. Posts
 * `onReceiverStarted/Error/Stopped` in Spark's order.
 * @internal
 */
export class ReceiverSupervisor<T> {
  readonly generator: BlockGenerator<T>;
  #state: State = 'initialized';
  #final = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #restarting = false;
  #inOnStart = false;
  #lastError = { message: '', error: '', time: -1 };
  #stopping: Promise<void> | undefined;
  #warnedLate = false;

  constructor(
    readonly receiver: Receiver<T>,
    private readonly opts: ReceiverSupervisorOptions,
  ) {
    this.generator = new BlockGenerator<T>(opts.blockIntervalMs, opts.limiter, (records) => opts.tracker.add(records));
    receiver.attachSupervisor(this);
  }

  get streamId(): number { return this.opts.streamId; }
  get throttled$() { return this.generator.throttled$; }
  isReceiverStarted(): boolean { return this.#state === 'started'; }
  isReceiverStopped(): boolean { return this.#state !== 'started'; }

  /** Starts the block generator and the receiver. A receiver whose `onStart` throws is restarted. */
  async start(): Promise<void> {
    this.generator.start();
    await this.#startReceiver();
  }

  pushSingle(record: T): void {
    if (this.#final) return this.#late();
    this.generator.add(record);
  }

  pushBlock(records: readonly T[]): void {
    if (this.#final) return this.#late();
    this.generator.addBlock(records);
  }

  reportError(message: string, error?: unknown): void {
    this.#lastError = { message, error: errorText(error), time: Date.now() };
    this.opts.log.warn(`${this.opts.name}: receiver error: ${message}${error instanceof Error ? ` (${error.message})` : ''}`);
    this.opts.post('onReceiverError', { receiverInfo: this.#info(true) });
  }

  /** Stops the receiver, then starts it again after `delayMs`; ignored once stopped for good or while a restart is pending. */
  restartReceiver(message: string, error?: unknown, delayMs = this.opts.restartDelayMs): void {
    if (this.#final || this.#restarting) return;
    this.opts.log.warn(`${this.opts.name}: restarting receiver in ${delayMs} ms: ${message}${error instanceof Error ? ` (${error.message})` : ''}`);
    this.#stopThenStart(`Restarting receiver with delay ${delayMs}ms: ${message}`, error, delayMs);
  }

  /**
   * The receiver stopped itself (`Receiver.stop`). As Spark's ReceiverTracker, which launches a
   * receiver again whenever its job ends while the context runs, it is started again: at once,
   * or after the restart delay when it stopped before its `onStart` returned (so a source that
   * cannot start does not spin). Ignored once stopped for good or while a restart is pending.
   */
  stoppedByReceiver(message: string, error?: unknown): void {
    if (this.#final || this.#restarting) return;
    this.#stopThenStart(message, error, this.#inOnStart ? this.opts.restartDelayMs : 0);
  }

  /** Stops the receiver for good (the context stops it) and flushes the last block. Idempotent. */
  stop(message: string, error?: unknown): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    this.#final = true;
    if (this.#restartTimer !== undefined) clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    this.#stopping = this.#stopReceiver(message, error).then(() => this.generator.stop());
    return this.#stopping;
  }

  #stopThenStart(message: string, error: unknown, delayMs: number): void {
    this.#restarting = true;
    void this.#stopReceiver(message, error).then(() => {
      if (this.#final) return;
      this.#restartTimer = setTimeout(() => {
        this.#restartTimer = undefined;
        this.#restarting = false;
        void this.#startReceiver();
      }, delayMs);
    });
  }

  /**
   * Starts the receiver as Spark's supervisor does: it registers first (the error of its
   * previous run cleared, `onReceiverStarted` posted), then `onStart` runs. An `onStart` that
   * throws stops the receiver with "Error starting receiver", and it is started again.
   */
  async #startReceiver(): Promise<void> {
    if (this.#final) return;
    this.#state = 'started';
    this.#lastError = { message: '', error: '', time: -1 };
    this.opts.post('onReceiverStarted', { receiverInfo: this.#info(true) });
    this.#inOnStart = true;
    try {
      await this.receiver.onStart();
    } catch (e) {
      this.#inOnStart = false;
      this.opts.log.warn(`${this.opts.name}: receiver onStart threw; starting it again in ${this.opts.restartDelayMs} ms: ${e instanceof Error ? e.message : String(e)}`);
      if (!this.#final && !this.#restarting) this.#stopThenStart(`Error starting receiver ${this.opts.name}`, e, this.opts.restartDelayMs);
      return;
    }
    this.#inOnStart = false;
    if (this.#state === 'started') this.opts.log.info(`${this.opts.name}: receiver started`);
  }

  /**
   * Stops the receiver and posts why, as Spark's deregistration: `onReceiverStopped` with the
   * message as the `lastErrorMessage` (with the error and its time when there is one), whether
   * it stops for good or to be started again.
   */
  async #stopReceiver(message: string, error: unknown): Promise<void> {
    if (this.#state !== 'started') return;
    this.#state = 'stopped';
    try {
      await this.receiver.onStop();
    } catch (e) {
      this.opts.log.warn(`${this.opts.name}: receiver onStop threw (ignored): ${e instanceof Error ? e.message : String(e)}`);
    }
    this.opts.log.info(`${this.opts.name}: receiver stopped: ${message}`);
    this.#lastError = { message, error: errorText(error), time: error === undefined ? -1 : Date.now() };
    this.opts.post('onReceiverStopped', { receiverInfo: this.#info(false) });
  }

  #late(): void {
    if (this.#warnedLate) return;
    this.#warnedLate = true;
    this.opts.log.warn(`${this.opts.name}: a record was stored after the receiver was stopped for good; it was ignored. Check isStopped() before store().`);
  }

  #info(active: boolean): ReceiverInfo {
    return {
      streamId: this.opts.streamId,
      name: this.opts.receiverName,
      active,
      location: 'localhost',
      executorId: 'driver',
      lastErrorMessage: this.#lastError.message,
      lastError: this.#lastError.error,
      lastErrorTime: this.#lastError.time,
    };
  }
}
