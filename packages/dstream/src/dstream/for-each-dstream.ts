import type { Duration, RDD, Time } from '@kindling/core';
import { prepareExchanges } from '../exchange/prepare-exchanges.ts';
import type { Job } from '../scheduler/job.ts';
import { OutputJob } from '../scheduler/output-job.ts';
import { DStream, type ForeachRDDFunction } from './dstream.ts';
import { dstreamClasses } from './registry.ts';

/**
 * An output operation (`foreachRDD`, `print`, `saveAsTextFiles`, ...): each batch, a job that
 * runs the function on the parent's RDD. No job for a batch where the parent has no RDD.
 */
export class ForEachDStream<T> extends DStream<void> {
  static override kind = 'foreachRDD';
  /** Position among the context's output operations, set by `register()`. */
  outputOpId = -1;

  constructor(
    private readonly parent: DStream<T>,
    private readonly f: ForeachRDDFunction<T>,
    /** The operation's name in listeners and errors: `print`, `foreachRDD`, ... */
    readonly opName: string,
  ) { super(parent.ssc); }

  /** The one parent, as an array made once (read every batch by the graph's walks). */
  #dependencies: readonly DStream<unknown>[] | undefined;
  get dependencies(): readonly DStream<unknown>[] { return (this.#dependencies ??= [this.parent]); }
  get slideDuration(): Duration { return this.parent.slideDuration; }
  compute(): RDD<void> | undefined { return undefined; }

  #runsHere: ((time: Time) => boolean) | undefined;

  /**
   * Several instances: runs the function only in batches where `runsHere` holds (the owner of
   * a one-partition stage); elsewhere the job only runs its share of the repartition map side.
   * Set by the group plan. @internal
   */
  runOnlyWhere(runsHere: (time: Time) => boolean): void { this.#runsHere = runsHere; }

  #onSlide: ((time: Time) => boolean) | undefined;

  /**
   * Group leases, after a window sliding slower than the batches (generated every batch there):
   * runs the function only in batches where `onSlide` holds (some partition this instance runs
   * is at a slide time); elsewhere the job only completes the batch's exchanges. Set by the
   * group plan. @internal
   */
  onlyOnSlide(onSlide: (time: Time) => boolean): void { this.#onSlide = onSlide; }

  /** The operation the user called and where, e.g. `print at app.ts:31` (its creation site). */
  get description(): string { return this.creationSite.shortForm; }

  /** Adds this output operation to the graph. @internal */
  register(): this {
    this.outputOpId = this.ssc.graph.addOutputStream(this as ForEachDStream<unknown>);
    return this;
  }

  /** The job for `time`, or undefined when the parent has no RDD then. @internal */
  generateJob(time: Time): Job | undefined {
    const rdd = this.parent.getOrCompute(time);
    if (rdd === undefined) return undefined;
    const onlyExchanges = (this.#runsHere !== undefined && !this.#runsHere(time)) || (this.#onSlide !== undefined && !this.#onSlide(time));
    return new OutputJob<T>(time, this.outputOpId, this.opName, this, rdd as RDD<unknown>, onlyExchanges ? prepareExchanges : this.f);
  }
}
dstreamClasses.ForEachDStream = ForEachDStream;
