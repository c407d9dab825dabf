import type { TopicPartition } from './topic-partition.ts';

/**
 * What every instance of a group agrees on, stored once in the group's record by the first
 * instance that joins (see {@link PartitionLeases.join}).
 */
export interface GroupGrid {
  /** The first batch time of the first instance (ms); every batch time is `zeroTime + k * batchMs`. */
  readonly zeroTime: number;
  /** The batch interval (ms). */
  readonly batchMs: number;
  /** The partitions of the group's topics, in RDD partition order (`topic-partition` keys). */
  readonly partitions: readonly string[];
}

/**
 * One stateful stream whose state a group keeps, as the group's state catalog records it (see
 * {@link PartitionLeases.loadStateCatalog}): an instance that starts with a changed graph is
 * matched against it before it restores anything, by the rule of a metadata checkpoint's
 * recovery (docs/checkpoint-format.md): by the name the user gave, else by structural key.
 */
export interface GroupStateStream {
  /** The name the state is stored under in the group: the stream's `name()` when the group first kept its state. */
  readonly id: string;
  /** The stream's name in the program that last wrote the catalog: its `name()`, or the user's name of the `mapWithState` it belongs to. */
  readonly name: string;
  /** Whether `name` was given by the user (`setName`), not positional (`updateStateByKey#12`). */
  readonly named: boolean;
  /** Its structural key (kind over its parents' keys, see the metadata checkpoint's `streams[]`), stable when streams are added elsewhere. */
  readonly structuralKey: string;
  /** The operator that builds it (`updateStateByKey`, `internalMapWithState`, `reduceByKeyAndWindow`). */
  readonly kind: string;
  /** Its slide duration (ms). */
  readonly slideMs: number;
  /** Its window duration (ms), for windows. */
  readonly windowMs?: number;
  /** The log whose partitions carry its state: the topic, or the repartition log it is routed through. */
  readonly log: string;
}

/** A recorded batch of one partition: its time and its offset range `[fromOffset, untilOffset)`. */
export interface PartitionBatch {
  readonly time: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
}

/** What a new owner learns when it takes a partition (see {@link PartitionLeases.acquire}). */
export interface AcquiredPartition {
  /** The lease's epoch: greater than every earlier owner's. Commits carry it. */
  readonly epoch: number;
  /** The next offset to read: the last committed batch's `untilOffset`, or `undefined` when none. */
  readonly next: number | undefined;
  /** The last committed batch time, or `undefined` when none. */
  readonly lastBatch: number | undefined;
  /** Batches recorded after `lastBatch` but never committed, in time order: the new owner re-runs them on these ranges. */
  readonly pending: readonly PartitionBatch[];
}

/** A change to one stateful stream's state of one partition: keys set and keys removed (JSON strings). */
export interface StateDelta {
  /** The stateful stream's name (`DStream.name()`), the same in every instance of the program. */
  readonly stream: string;
  /** `[key, state]` pairs written (both JSON). */
  readonly set: readonly (readonly [string, string])[];
  /** Keys removed (JSON). */
  readonly removed: readonly string[];
}

/** `spark.kindling.group.stateSnapshotInterval`'s default: deltas kept per stream and partition before they are folded into its snapshot. */
export const DEFAULT_STATE_SNAPSHOT_INTERVAL = 10;

/**
 * `spark.kindling.group.maxBatchesAhead`'s default: new batches of one partition an instance
 * records beyond the partition's last commit. 10 leaves room for the 8 catch-up batches one
 * batch may be preceded by, that batch, and one commit still under way.
 */
export const DEFAULT_MAX_BATCHES_AHEAD = 10;

/** One fenced commit of one partition's batch (see {@link PartitionLeases.commit}). */
export interface PartitionCommit extends TopicPartition, PartitionBatch {
  /** The epoch of the committer's lease. */
  readonly epoch: number;
  /** The partition's state deltas, one per stateful stream. */
  readonly state: readonly StateDelta[];
  /**
   * Every this many deltas of a stream's state (commits that changed it), the store folds them
   * into the stream's snapshot of the partition and drops them, in the same atomic step
   * (default {@link DEFAULT_STATE_SNAPSHOT_INTERVAL}; 1: the snapshot is updated by every commit).
   */
  readonly snapshotInterval?: number;
}

/**
 * The answer to a commit: `OK` (written), `ALREADY` (this exact batch was committed before: a
 * replay), `FENCED` (another instance holds a newer epoch: the caller lost the partition),
 * `OFFSET_MISMATCH` (the stored next offset is not the batch's `fromOffset`: a gap or an
 * overlap; nothing written). `completeUpTo` (with OK and ALREADY): the greatest batch time every
 * partition of the group has committed (batch folders up to it are complete).
 */
export type CommitOutcome =
  | { readonly status: 'OK' | 'ALREADY'; readonly completeUpTo: number | undefined }
  | { readonly status: 'FENCED'; readonly epoch: number }
  | { readonly status: 'OFFSET_MISMATCH'; readonly expected: number | undefined };

/**
 * The answer to {@link PartitionLeases.describe}: `RECORDED` with the range recorded for the
 * batch (the given one, or the one recorded before for that time: a replay uses it);
 * `FENCED` (another instance holds a newer epoch); `STALE` (the batch time is not after the
 * partition's last committed batch or a later recorded one: a batch at that time would write
 * its outputs into an older batch folder than the records' committed place, so nothing is
 * recorded and the partition waits for a batch time after `after`).
 */
export type DescribeOutcome =
  | { readonly status: 'RECORDED'; readonly batch: PartitionBatch }
  | { readonly status: 'FENCED' }
  | { readonly status: 'STALE'; readonly after: number };

/**
 * Group mode's coordination, kept in the log's store (step B of the scale-out design; the
 * protocol is in `docs/log-sources.md`, "Group mode"): instances started with the same
 * `group.id` and `spark.kindling.group.enabled=true` share a topic's partitions. Each
 * partition has a lease with an epoch; an instance takes free or expired partitions up to
 * its fair share, renews its leases every batch, and gives them up on a graceful stop. Every
 * write that matters (a batch's recorded range, its commit) is fenced by the epoch, so an
 * instance that lost its lease (paused, partitioned away) cannot change anything. A store that
 * lost the group after `join` (restarted without persistence: epochs would count again from
 * nothing) makes every later step reject with a `GroupStateLostError`, and the stream stops.
 *
 * `LogInputDStream` drives it; adapters implement it (`@kindling/redis`: leases, members and
 * commits in Redis, every check in one Lua script). A Kafka adapter would map leases to the
 * consumer group's assignment and epochs to the group generation.
 */
export interface PartitionLeases {
  /** This instance's member id (unique per process). */
  readonly memberId: string;
  /**
   * Registers this instance with a heartbeat valid for `leaseMs`, and creates the group's
   * record when it does not exist (with `grid`) or returns the stored one.
   */
  join(grid: GroupGrid, leaseMs: number): Promise<GroupGrid>;
  /** Renews this instance's heartbeat; returns the live members' ids, sorted. */
  heartbeat(): Promise<string[]>;
  /** Takes the partition if no live lease holds it; `undefined` when another instance holds it. */
  acquire(tp: TopicPartition): Promise<AcquiredPartition | undefined>;
  /** Extends the lease while `epoch` is still the partition's; false when it was lost (fenced). */
  renew(tp: TopicPartition, epoch: number): Promise<boolean>;
  /**
   * Records batch `batch.time`'s range before any of its outputs run (fenced). Answers the
   * range already recorded for that time (a replay uses it) or the given one when newly
   * recorded; `FENCED` when the epoch moved on; `STALE` when `batch.time` is not after the
   * partition's last committed batch and every recorded one (an instance whose batch clock
   * lags, e.g. catching up after a pause, must not put records into an earlier batch folder
   * than the one they were, or will be, committed in).
   */
  describe(tp: TopicPartition, epoch: number, batch: PartitionBatch): Promise<DescribeOutcome>;
  /**
   * The state of one stateful stream for one partition, as committed: `[key, state]` JSON
   * pairs (the snapshot with the later deltas applied in order, read in one atomic step).
   */
  loadState(tp: TopicPartition, stream: string): Promise<(readonly [string, string])[]>;
  /**
   * The batch times recorded for the partition (by {@link PartitionLeases.describe}) and not
   * committed yet, in any order; not fenced, read only. A re-keyed graph's repartition partition
   * reads its source log's before choosing its first batch, or the batch times it skips: a batch
   * recorded by another instance whose map side has not written its markers yet is still a
   * source batch at that time (without it, instances started together could fold one's earlier
   * first batch into a repartition partition's first batch). Optional: without it only the
   * markers decide.
   */
  recordedTimes?(tp: TopicPartition): Promise<number[]>;
  /** The atomic, fenced commit of a partition's batch: state deltas, next offset, last batch. */
  commit(commit: PartitionCommit): Promise<CommitOutcome>;
  /**
   * The greatest batch time every partition of the group has committed (`undefined`: some
   * partition never committed), as a commit's `completeUpTo` says it, read without committing.
   * An instance reads it when it joins and when it stops, so that batch folders the group
   * completed get their `_SUCCESS` even when the instance whose commit completed them died
   * before writing it and no commit follows (the whole group stopped). Optional: without it
   * only commits' answers mark folders complete.
   */
  completeUpTo?(): Promise<number | undefined>;
  /** Gives the partition up (only while `epoch` is still its epoch). */
  release(tp: TopicPartition, epoch: number): Promise<void>;
  /**
   * The group's state catalog: every stateful stream whose state the group keeps, as the last
   * instance that started recorded it (empty for a new group). Read before `join`. Optional:
   * without it a changed graph cannot be checked (and state stored under a shifted positional
   * name would not be found).
   */
  loadStateCatalog?(): Promise<GroupStateStream[]>;
  /** Replaces the group's state catalog (after a start whose graph matched it). */
  storeStateCatalog?(entries: readonly GroupStateStream[]): Promise<void>;
  /** Leaves the group (the heartbeat is removed). */
  leave(): Promise<void>;
}
