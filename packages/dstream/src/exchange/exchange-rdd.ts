import { appendOnlyMapOrder, combineCombinersByKey, combineValuesByKey, getLogger, invalidPartition, RDD, type Aggregator, type Partitioner, type Time } from '@kindling/core';
import { RepartitionWaitAbortedError } from './repartition-wait-aborted-error.ts';
import { LeaseLostError } from '../group/lease-lost-error.ts';
import type { GroupRuntime } from '../group/group-runtime.ts';
import type { RepartitionLog } from './repartition-log.ts';

const log = getLogger('ExchangeRDD');

/** How often a reduce side waiting for markers names what it waits for, ms. */
const WAIT_WARNING_MS = 10_000;

/** Where the records of an {@link ExchangeRDD} go and who runs which side. */
export interface ExchangeRDDOptions<V, C> {
  /** The repartition log carrying the shuffle. */
  readonly log: RepartitionLog;
  /** The batch (the `t` of the `(t, s)` tags). */
  readonly batchTime: Time;
  /** The stream the shuffle belongs to (for messages). */
  readonly streamName: string;
  /** Keyed shuffles: the partitioner of `[key, value]` records (the RDD keeps it). */
  readonly partitioner: Partitioner | undefined;
  /** Combines values by key on the map side and combiners on the reduce side; none: records move as they are. */
  readonly aggregator: Aggregator<V, C> | undefined;
  /** Whether this instance runs map partition `s` of the batch (it owns the source partition). */
  readonly ownsSource: (s: number) => boolean;
  /** Whether this instance runs repartition partition `j` of the batch. */
  readonly ownsTarget: (j: number) => boolean;
  /** Aborted when the context stops: a reduce side waiting for markers gives up. */
  readonly signal: AbortSignal;
  /** Group leases: each side's partition batches (else every side runs batch `batchTime`). */
  readonly lease?: ExchangeLeaseBatch;
}

/**
 * One batch of a shuffle under group leases: a source partition's batch has its own time (a
 * new owner re-runs a failed owner's recorded batches at their times) and a link to its previous
 * batch; a repartition partition's batch covers the source batches of a time range.
 */
export interface ExchangeLeaseBatch {
  /** Source partition `s`'s batch in this engine batch (undefined: not run here). */
  source(s: number): { readonly time: number; readonly previous: number | null } | undefined;
  /** Repartition partition `j`'s batch: the source batches with times in `(after, upTo]` (undefined: not run here). */
  target(j: number): { readonly after: number; readonly upTo: number } | undefined;
  /** The runtime owning the log's partitions (their plans, commits and state), for the stage's outputs and state. */
  readonly runtime: GroupRuntime;
}

/**
 * One batch of a shuffle carried by a {@link RepartitionLog} (several instances sharing a
 * job). Before a job runs it (`prepareForJob`), the map side runs the parent's partitions this
 * instance owns and writes, per source partition s, the records bound for each repartition
 * partition j (combined by key when there is an aggregator) and the end-of-batch markers; then,
 * for every partition j this instance owns, it waits until the log holds the markers of all
 * source partitions, reads the batch's blocks (first copy of each `(t, s)`), and merges them
 * in source order. Partition j of the RDD is that result on j's owner and empty elsewhere: an
 * instance never computes a partition from part of the batch.
 *
 * The exchange starts when the RDD is created (at batch generation), so that every instance
 * writes its map side of every shuffle of a batch whatever order its jobs run in.
 *
 * Records are routed by the partitioner's `getPartition(key)`; without a partitioner (a
 * one-partition stage, `repartition(n)`), record i of source partition s goes to `(s + i) % n`.
 */
export class ExchangeRDD<T> extends RDD<T> {
  #data: (readonly T[])[] | undefined;
  #preparing: Promise<void> | undefined;

  constructor(
    private readonly parent: RDD<unknown>,
    private readonly options: ExchangeRDDOptions<unknown, unknown>,
  ) {
    super(parent.context, [], `${options.streamName} via ${options.log.name} @ ${options.batchTime}`);
    // Started as soon as the batch is generated, not when a job first needs it: instances run
    // their output jobs in their own order, and an instance blocked in one shuffle's reduce side
    // must already have written its map side of every other shuffle of the batch, or two
    // instances could each wait for the other.
    setImmediate(() => {
      if (this.#data !== undefined || this.#preparing !== undefined || this.isCheckpointed) return;
      this.#preparing = this.exchange();
      this.#preparing.catch(() => undefined);
    });
  }

  protected getPartitions(): number { return this.options.log.partitions; }

  override get partitioner(): Partitioner | undefined { return this.options.partitioner; }

  /** Under group leases: the runtime owning this log's partitions (undefined with a fixed split). */
  get groupRuntime(): GroupRuntime | undefined { return this.options.lease?.runtime; }

  /** The repartition partitions this instance runs in this batch. */
  get ownedPartitions(): readonly number[] {
    const out: number[] = [];
    for (let j = 0; j < this.options.log.partitions; j++) if (this.options.ownsTarget(j)) out.push(j);
    return out;
  }

  compute(split: number): readonly T[] {
    const data = this.#data;
    if (data === undefined) {
      throw new Error(`${this.options.streamName}: partition ${split} of batch ${this.options.batchTime} was computed before its repartition log ${this.options.log.name} was read; run the RDD through an action.`);
    }
    return data[split]!;
  }

  override prepareForJob(): Promise<void> {
    if (this.#data !== undefined || this.isCheckpointed) return Promise.resolve();
    const preparing = this.#preparing ??= this.exchange();
    // A failed exchange is tried again by the next job that needs it.
    return preparing.catch((e: unknown) => {
      if (this.#preparing === preparing) this.#preparing = undefined;
      throw e;
    });
  }

  private async exchange(): Promise<void> {
    const { log: rlog, batchTime, ownsSource, ownsTarget } = this.options;
    const parent = this.parent;
    const sources = parent.getNumPartitions();
    const owned: number[] = [];
    for (let s = 0; s < sources; s++) if (ownsSource(s)) owned.push(s);
    if (owned.length > 0) {
      const route = routeOf(this.options.partitioner, rlog.partitions);
      const agg = this.options.aggregator;
      const blocks = await parent.context.runJob(parent, (data, ctx) => mapSide(data, ctx.partitionId, route, rlog.partitions, agg), owned, `repartition ${rlog.name}`);
      const lease = this.options.lease;
      for (let k = 0; k < owned.length; k++) {
        const s = owned[k]!;
        // Under leases a source batch keeps its own time (a re-run of a failed owner's) and links to its previous one.
        const sb = lease?.source(s);
        await this.retrying(`write the map output of source partition ${s}`, () => sb === undefined
          ? rlog.writeMapOutput(batchTime.milliseconds, s, blocks[k]!)
          : rlog.writeMapOutput(sb.time, s, blocks[k]!, sb.previous));
      }
    }
    const data: (readonly T[])[] = [];
    for (let j = 0; j < rlog.partitions; j++) data.push(ownsTarget(j) ? await this.reduceSide(j, sources) : []);
    this.#data = data;
  }

  /**
   * Under group leases: partition `j`'s records of the source batches with times in `(after,
   * upTo]`, read again from the repartition log and combined as this shuffle combines them
   * (without releasing anything): what a window over this shuffle needs of the batches its
   * instance did not run itself (a partition just taken over, see `WindowedDStream`). Waits,
   * as the reduce side does, until the sources' markers through `upTo` are there.
   */
  readHistory(j: number, after: number, upTo: number): Promise<readonly T[]> {
    return this.reduceSide(j, this.parent.getNumPartitions(), { after, upTo }, false);
  }

  private async reduceSide(j: number, sources: number, given?: { readonly after: number; readonly upTo: number }, release = true): Promise<readonly T[]> {
    const { log: rlog, batchTime, streamName, signal, lease } = this.options;
    const range = given ?? lease?.target(j);
    const upTo = range?.upTo ?? batchTime.milliseconds;
    let wait = 10;
    let warnedAt = Date.now();
    for (;;) {
      // Fenced meanwhile (a pause past the lease): the new owner runs the range, and may already have trimmed it.
      if (lease !== undefined && !lease.runtime.holds(batchTime.milliseconds, j)) throw new LeaseLostError(streamName, batchTime, rlog.name, j);
      const batch = await this.retrying(`read partition ${j}`, () => range === undefined
        ? rlog.readBatch(j, batchTime.milliseconds, sources)
        : rlog.readRange(j, range.after, range.upTo, sources));
      if (batch.complete) {
        const agg = this.options.aggregator;
        // In a shuffle's reduce-side order (Spark's aggregation map's slots), as a local shuffle gives.
        const out = agg === undefined ? concat(batch.blocks) : appendOnlyMapOrder(combineCombinersByKey(batch.blocks as (readonly [unknown, unknown])[][], agg.mergeCombiners), firstOf);
        // Under leases the partition's ranges are released once committed (in order): reduce sides
        // of later batches can complete first, and must not drop what an earlier one still waits for.
        if (release && range === undefined) await this.retrying(`release partition ${j}`, () => rlog.release(j, upTo));
        return out as T[];
      }
      if (signal.aborted) throw new RepartitionWaitAbortedError(streamName, batchTime, rlog.name, j, batch.missing);
      if (Date.now() - warnedAt >= WAIT_WARNING_MS) {
        warnedAt = Date.now();
        log.warn(`${streamName}: batch ${batchTime} waits on ${rlog.name} partition ${j} for the end-of-batch markers of source partition(s) ${batch.missing.join(', ')}: their owners have not run the batch's map side yet (a stopped owner's partitions are taken over when its lease expires).`);
      }
      await sleep(wait, signal);
      wait = Math.min(wait * 2, 250);
    }
  }

  /** Runs a call to the log, retrying (with a warning) while the log cannot be reached. */
  private async retrying<X>(what: string, f: () => Promise<X>): Promise<X> {
    const { log: rlog, batchTime, streamName, signal } = this.options;
    let wait = 200;
    for (let attempt = 1; ; attempt++) {
      try {
        return await f();
      } catch (e) {
        if ((e as { retriable?: unknown } | undefined)?.retriable === false) {
          throw new Error(`${streamName}: batch ${batchTime} cannot ${what} of ${rlog.name}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        }
        if (signal.aborted) throw new Error(`${streamName}: batch ${batchTime} could not ${what} of ${rlog.name} before the context stopped: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        log.warn(`${streamName}: batch ${batchTime} cannot ${what} of ${rlog.name} (attempt ${attempt}, next in ${wait} ms): ${(e as Error)?.message ?? String(e)}`);
        await sleep(wait, signal);
        wait = Math.min(wait * 2, 5000);
      }
    }
  }
}

/** The map side of one source partition: its records bucketed by target partition, combined when asked. */
function mapSide(data: readonly unknown[], source: number, route: (r: unknown, s: number, i: number) => number, n: number, agg: Aggregator<unknown, unknown> | undefined): unknown[][] {
  const buckets: unknown[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < data.length; i++) buckets[route(data[i], source, i)]!.push(data[i]);
  if (agg === undefined) return buckets;
  return buckets.map((b) => combineValuesByKey(b as (readonly [unknown, unknown])[], agg));
}

function routeOf(partitioner: Partitioner | undefined, n: number): (r: unknown, s: number, i: number) => number {
  if (partitioner !== undefined) {
    // Refused as the core shuffle refuses it: an answer outside 0..n-1 (or a fraction, NaN, a
    // string) would index no bucket, or a wrong one.
    return (r) => {
      const key = (r as [unknown, unknown])[0];
      const p = partitioner.getPartition(key);
      if ((p >>> 0) !== p || p >= n) throw invalidPartition(partitioner, key, p);
      return p;
    };
  }
  if (n === 1) return () => 0;
  return (_r, s, i) => (s + i) % n;
}

function firstOf(pair: readonly [unknown, unknown]): unknown { return pair[0]; }

function concat(blocks: readonly (readonly unknown[])[]): unknown[] {
  const out: unknown[] = [];
  for (const b of blocks) for (let i = 0; i < b.length; i++) out.push(b[i]);
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}
