import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { RateLimiter } from './rate-limiter.ts';

/**
 * Cuts the records a receiver stores into blocks (Spark's `BlockGenerator`): records collect
 * in a buffer that becomes a block every `blockIntervalMs` (and whenever a batch is cut, see
 * {@link BlockGenerator.flush}); each block becomes one partition of a batch's RDD.
 *
 * Rate limiting never drops and never blocks: a record that finds the {@link RateLimiter}
 * exhausted waits in a queue that drains as tokens refill, and while anything waits
 * {@link BlockGenerator.throttled$} is `true`, so a source that can pause (a socket) stops
 * reading until it turns `false`.
 */
export class BlockGenerator<T> {
  #buffer: T[] = [];
  #waiting: T[] = [];
  #waitingFrom = 0;
  #tick: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #throttled = new BehaviorSubject(false);
  /** `true` while records wait for the rate limiter; sources that can pause should. */
  readonly throttled$: Observable<boolean> = this.#throttled.pipe(distinctUntilChanged());

  constructor(
    private readonly blockIntervalMs: number,
    readonly limiter: RateLimiter,
    /** Receives each block (never empty). */
    private readonly onBlock: (records: T[]) => void,
  ) {
    if (!(blockIntervalMs > 0)) throw new RangeError(`spark.streaming.blockInterval must be positive, got ${blockIntervalMs} ms`);
  }

  /** Starts the block timer. */
  start(): void {
    this.#stopped = false;
    this.#tick = setInterval(() => this.flush(), this.blockIntervalMs);
    this.#tick.unref();
  }

  /** Adds one record, through the rate limiter. */
  add(record: T): void {
    if (this.#waitingFrom < this.#waiting.length || !this.limiter.tryAcquire()) {
      this.#waiting.push(record);
      if (!this.#throttled.value) this.#throttled.next(true);
      this.#scheduleDrain();
      return;
    }
    this.#buffer.push(record);
  }

  /** Adds records as one block of their own, bypassing the limiter (Spark's `store(ArrayBuffer)`). */
  addBlock(records: readonly T[]): void {
    this.flush();
    if (records.length > 0) this.onBlock(records.slice());
  }

  /** Cuts the buffer into a block now (if it holds anything). */
  flush(): void {
    if (this.#buffer.length === 0) return;
    const block = this.#buffer;
    this.#buffer = [];
    this.onBlock(block);
  }

  /** Records buffered or waiting for the limiter. */
  get pendingRecords(): number { return this.#buffer.length + this.#waiting.length - this.#waitingFrom; }

  /** Whether records are waiting for the rate limiter. */
  get isThrottled(): boolean { return this.#throttled.value; }

  /**
   * Stops the timer. Nothing is lost: records waiting for the limiter are released into a
   * last block with what is buffered.
   */
  stop(): void {
    this.#stopped = true;
    if (this.#tick !== undefined) clearInterval(this.#tick);
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#tick = this.#drainTimer = undefined;
    for (let i = this.#waitingFrom; i < this.#waiting.length; i++) this.#buffer.push(this.#waiting[i]!);
    this.#waiting = [];
    this.#waitingFrom = 0;
    this.flush();
    if (this.#throttled.value) this.#throttled.next(false);
  }

  #scheduleDrain(): void {
    if (this.#drainTimer !== undefined || this.#stopped) return;
    const wait = Math.max(1, Math.ceil(this.limiter.msUntilNextPermit()));
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = undefined;
      this.#drain();
    }, wait);
  }

  #drain(): void {
    const w = this.#waiting;
    while (this.#waitingFrom < w.length && this.limiter.tryAcquire()) this.#buffer.push(w[this.#waitingFrom++]!);
    if (this.#waitingFrom >= w.length) {
      this.#waiting = [];
      this.#waitingFrom = 0;
      // May synchronously resume a paused source, which may add records again.
      this.#throttled.next(false);
    } else {
      this.#scheduleDrain();
    }
  }
}
