import { getLogger, RDD, type SparkContext, type Time } from '@kindling/core';
import type { HasOffsetRanges } from './has-offset-ranges.ts';
import type { LogSource } from './log-source.ts';
import { OffsetOutOfRangeError } from './offset-out-of-range-error.ts';
import type { OffsetRange } from './offset-range.ts';

const log = getLogger('LogRDD');

/** How a {@link LogRDD} reads: what to do with missing records, and when to give up waiting. */
export interface LogRDDOptions {
  /** The batch the RDD belongs to (for messages). */
  readonly batchTime: Time;
  /** The stream's name (for messages). */
  readonly streamName: string;
  /** `fail` (default): missing records fail the job with an `OffsetOutOfRangeError`; `skip`: warn and read what is left. */
  readonly onMissing: 'fail' | 'skip';
  /** Aborted when the stream stops: a read waiting for the log gives up. */
  readonly signal: AbortSignal;
  /** First wait between attempts when the log cannot be reached, ms (doubles up to 5 s). */
  readonly retryMs?: number;
}

/**
 * Spark's `KafkaRDD` for any {@link LogSource}: partition i holds the records of
 * `offsetRanges[i]`. The records are read when a job first needs the RDD (the scheduler's
 * asynchronous preparation step, before any task runs), all ranges at once, and kept while the
 * RDD lives (one batch, or a window's length). A log that cannot be reached makes the job
 * wait, retrying with a warning naming the log's location, until it answers or the stream
 * stops; missing records (a trimmed or deleted stream) fail the job with an
 * {@link OffsetOutOfRangeError} naming the topic, partition and offsets.
 */
export class LogRDD<R> extends RDD<R> implements HasOffsetRanges {
  #data: (readonly R[])[] | undefined;
  #reading: Promise<void> | undefined;

  constructor(
    sc: SparkContext,
    private readonly source: LogSource<R>,
    readonly offsetRanges: readonly OffsetRange[],
    private readonly options: LogRDDOptions,
  ) {
    super(sc, [], `${options.streamName} @ ${options.batchTime}`);
  }

  protected getPartitions(): number { return this.offsetRanges.length; }

  /** Total records of the ranges (Spark's `KafkaRDD.count`, without reading). */
  get numRecords(): number {
    let n = 0;
    for (const r of this.offsetRanges) n += r.untilOffset - r.fromOffset;
    return n;
  }

  compute(split: number): readonly R[] {
    const data = this.#data;
    if (data === undefined) {
      throw new Error(`${this.options.streamName}: the records of batch ${this.options.batchTime} (${this.offsetRanges[split]}) were not read before the task ran; run the RDD through an action.`);
    }
    return data[split]!;
  }

  override prepareForJob(): Promise<void> {
    if (this.#data !== undefined || this.isCheckpointed) return Promise.resolve();
    this.#reading ??= this.readAll().finally(() => { this.#reading = undefined; });
    return this.#reading;
  }

  private async readAll(): Promise<void> {
    const parts = await Promise.all(this.offsetRanges.map((r) => (r.untilOffset === r.fromOffset ? [] : this.readRange(r))));
    this.#data = parts;
  }

  private async readRange(range: OffsetRange): Promise<readonly R[]> {
    const records = await this.withRetry(range, () => this.source.read(range));
    const want = range.untilOffset - range.fromOffset;
    if (records.length === want) return records;
    const [bounds] = await this.withRetry(range, () => this.source.offsetBounds([range]));
    const e = new OffsetOutOfRangeError(range.topic, range.partition, range.fromOffset, range.untilOffset, bounds!.earliest, bounds!.latest, this.source.location, this.options.batchTime, this.options.streamName);
    if (this.options.onMissing === 'fail') throw e;
    log.warn(`${e.message} Skipping ${want - records.length} missing record(s) (kindling.offsets.outOfRange = reset).`);
    return records;
  }

  private async withRetry<X>(range: OffsetRange, f: () => Promise<X>): Promise<X> {
    let wait = this.options.retryMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if (e instanceof OffsetOutOfRangeError) throw e;
        const signal = this.options.signal;
        if (signal.aborted) {
          throw new Error(`${this.options.streamName}: batch ${this.options.batchTime} could not read ${range} from ${this.source.location} before the stream stopped: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        }
        log.warn(`${this.options.streamName}: batch ${this.options.batchTime} waits for ${this.source.location} to read ${range} (attempt ${attempt}, next in ${wait} ms): ${(e as Error)?.message ?? String(e)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          function done(): void { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); }
          signal.addEventListener('abort', done, { once: true });
        });
        wait = Math.min(wait * 2, 5000);
      }
    }
  }
}
