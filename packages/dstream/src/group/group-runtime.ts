import type { RDD } from '@kindling/core';
import type { LeaseAssignment } from '../exchange/partition-assignment.ts';
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
  /**
   * The partition's batch before this one (`null`: none): the link a re-keyed graph's map side
   * writes with its markers, so that readers know which batch times the partition skipped
   * (unset: none).
   */
  readonly previous?: number | null;
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
  /**
   * Partitions this instance still owns but does not run in this batch (its batch time is not
   * after the partition's batches yet, the store could not be reached, or it is giving the
   * partition up and has not released it yet): no output, no commit, and their state carries
   * over unchanged (the update function does not run for them), so that a partition kept after
   * all (the fair share grew back before the release) goes on from its state.
   */
  readonly held: ReadonlySet<number>;
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
  /**
   * Whether this instance still holds the lease under which batch `time` planned `partition`
   * (false once it learnt that another instance took the partition over, e.g. after a pause
   * longer than the lease: its outputs of that batch are then not written, and a reduce side
   * waiting for the batch gives up).
   */
  holds(time: number, partition: number): boolean;
  /**
   * A repartition log's runtime: registers where to find, for partition `partition`, the
   * earliest source batch time after `after` that has an end-of-batch marker (one probe per log
   * the runtime's partitions read). A partition behind the batches skips the batch times before
   * it: no source partition had a batch then.
   */
  addSourceBatchProbe(probe: (partition: number, after: number) => Promise<number | undefined>): void;
  /**
   * The earliest batch time after `after` that some partition of this runtime's log has recorded
   * and not committed yet (`undefined`: none, or the store cannot tell): a source batch whose
   * markers may not be written yet. A repartition log's runtime probes its source log's with it
   * (besides the markers), so that its first batch, or a skip, never steps over a source batch
   * another instance has recorded but not mapped yet.
   */
  firstRecordedAfter(after: number): Promise<number | undefined>;
  /**
   * Whether partition `partition`'s batch in engine batch `time` is at a slide time of a stream
   * sliding every `slideMs` (its own batch time a multiple of `slideMs` from the group's zero
   * time); false when this instance does not run the partition in that batch. A stream sliding
   * slower than the batches is generated every batch under leases, and each partition decides
   * with this, since a partition's batch times are its own (a partition behind the batches runs
   * the batch times it missed, in catch-up batches).
   */
  onSlide(time: number, partition: number, slideMs: number): boolean;
  /** A stateful stream hands its RDD of batch `time`: its owned partitions are committed with the batch. */
  captureState(stream: string, time: number, rdd: RDD<[unknown, unknown]>): void;
  /**
   * As {@link captureState}, with only what the batch changed: per owned partition, `[key,
   * state, true]` for each key written and `[key, null, false]` for each key removed, so that
   * the commit costs O(keys changed) rather than a diff of the whole state (`mapWithState`).
   */
  captureStateChanges(stream: string, time: number, rdd: RDD<readonly [unknown, unknown, boolean]>): void;
  /**
   * Registers an output whose batch folders need `_SUCCESS` once every partition committed
   * the batch: `complete(upTo)` is called with each greater time up to which every batch is
   * committed. Resolves once it has been called for what is already known complete (the store's
   * answer at join, or a later commit's): an instance that starts after the group completed
   * batches whose `_SUCCESS` is missing (the instance whose commit completed them was killed
   * before writing it) writes it in its first batch.
   */
  onBatchComplete(complete: (upTo: number) => Promise<void>): Promise<void>;
}

/** Plans a re-keyed graph under group leases (routes its shuffles through repartition logs); gives the logs' names and partition counts. */
export type GroupStagePlanner = (stages: LeaseAssignment) => void;
