import type { RDD } from '@kindling/core';
import type { PartitionBatch } from '../input/log/partition-leases.ts';

/** One owned partition's part of a batch in group mode. */
export interface OwnedPartitionBatch {
  /** The lease's epoch when the batch was planned. */
  readonly epoch: number;
  /**
   * The partition's batch: its own time (the batch time, or an earlier one when the partition
   * re-runs a batch a failed owner recorded but never committed) and its offset range.
   */
  readonly batch: PartitionBatch;
}

/**
 * What one instance does in one batch of group mode: the partitions it owns (by RDD partition
 * index, which is the log partition), each with its own batch time and range, and the state
 * restored for partitions it has just taken over.
 */
export interface GroupBatchPlan {
  /** The batch time. */
  readonly time: number;
  /** Owned partitions (index = log partition) and their batches. */
  readonly owned: ReadonlyMap<number, OwnedPartitionBatch>;
  /** Stateful stream name -> partition -> the committed state restored for it (taken over in this batch). */
  readonly restored: ReadonlyMap<string, ReadonlyMap<number, readonly (readonly [unknown, unknown])[]>>;
}

/**
 * The engine side of group mode for one streaming context, as the stateful streams and the
 * outputs see it (the log stream installs it at start, see `LogInputDStream`).
 */
export interface GroupRuntime {
  /** Partitions of the topic (every RDD of a co-partitioned stream has this many). */
  readonly numPartitions: number;
  /** The batch's plan; `undefined` before the log stream generated it. */
  plan(time: number): GroupBatchPlan | undefined;
  /** A stateful stream hands its RDD of batch `time`: its owned partitions are committed with the batch. */
  captureState(stream: string, time: number, rdd: RDD<[unknown, unknown]>): void;
  /**
   * Registers an output whose batch folders need `_SUCCESS` once every partition committed
   * the batch: `complete(time)` is called (once per time, in order) for each such batch time.
   */
  onBatchComplete(complete: (time: number) => Promise<void>): void;
}

const runtimes = new WeakMap<object, GroupRuntime>();

/** The context's group-mode runtime, or `undefined` when the context is not in group mode. */
export function groupRuntimeOf(ssc: object): GroupRuntime | undefined { return runtimes.get(ssc); }

/** Installs (or removes) a context's group-mode runtime. @internal */
export function setGroupRuntime(ssc: object, runtime: GroupRuntime | undefined): void {
  if (runtime === undefined) runtimes.delete(ssc);
  else runtimes.set(ssc, runtime);
}
