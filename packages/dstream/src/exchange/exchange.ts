import type { Aggregator, Partitioner, RDD, Time } from '@kindling/core';
import type { GroupBatchPlan, GroupRuntime } from '../group/group-runtime.ts';
import { ExchangeRDD, type ExchangeLeaseBatch } from './exchange-rdd.ts';
import type { PartitionAssignment } from './partition-assignment.ts';
import type { RepartitionLog } from './repartition-log.ts';

/**
 * One shuffle of a graph run by several instances, routed through its repartition log (built
 * by the group plan at `start()`): gives each batch's {@link ExchangeRDD}.
 */
export class Exchange {
  constructor(
    /** The log carrying the shuffle. */
    readonly log: RepartitionLog,
    /** The stream whose shuffle it is. */
    readonly streamName: string,
    /** Whether this instance runs map partition `s` in batch `t` (its source's ownership). */
    readonly ownsSource: (s: number, t: Time) => boolean,
    /** Who runs the repartition log's partitions. */
    readonly ownership: PartitionAssignment,
    /** Keyed shuffles: the partitioner; none for one-partition stages and `repartition(n)`. */
    readonly partitioner: Partitioner | undefined,
    private readonly signal: AbortSignal,
    /** The name ownership is asked under: the log's, or one shared by all one-partition stages. */
    readonly ownerLog: string = log.name,
    /** Group leases: the plans of the stage feeding the map side, and the runtime owning this log's partitions. */
    readonly leases?: { readonly sourcePlan: (t: number) => GroupBatchPlan | undefined; readonly runtime: GroupRuntime },
  ) {}

  /** Whether this instance runs partition `j` of the repartition log in batch `t`. */
  ownsTarget(j: number, t: Time): boolean { return this.ownership.owns(this.ownerLog, j, t); }

  /** Batch `time` of the shuffle of `parent` (combined with `aggregator` when given). */
  rdd<T>(parent: RDD<unknown>, time: Time, aggregator?: Aggregator<unknown, unknown>): ExchangeRDD<T> {
    return new ExchangeRDD<T>(parent, {
      log: this.log,
      batchTime: time,
      streamName: this.streamName,
      partitioner: this.partitioner,
      aggregator,
      ownsSource: (s) => this.ownsSource(s, time),
      ownsTarget: (j) => this.ownsTarget(j, time),
      signal: this.signal,
      lease: this.leases === undefined ? undefined : this.leaseBatch(time.milliseconds),
    });
  }

  private leaseBatch(t: number): ExchangeLeaseBatch {
    const { sourcePlan, runtime } = this.leases!;
    return {
      source(s) {
        const b = sourcePlan(t)?.owned.get(s);
        return b === undefined ? undefined : { time: b.batch.time, previous: b.previous ?? null };
      },
      target(j) {
        const b = runtime.plan(t)?.owned.get(j);
        return b === undefined ? undefined : { after: b.batch.fromOffset, upTo: b.batch.untilOffset };
      },
      runtime,
    };
  }
}
