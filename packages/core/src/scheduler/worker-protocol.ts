import type { EncodedBlock } from './shuffle-block-codec.ts';
import type { AccumulatorUpdate } from '../util/accumulator-update.ts';

/**
 * Messages between the driver (main thread) and the worker threads of a replicated graph,
 * and between workers. Plain data only: everything crosses threads by structured clone,
 * typed arrays by transfer.
 * @internal
 */

/** State the driver learned while preparing a job (range bounds, index offsets), replayed in workers. @internal */
export interface PreparedState {
  /** The RDD (by replicated key) that holds the state, or the child of the shuffle dependency. */
  readonly key: number;
  /** Set for a partitioner's state: the index of the shuffle dependency in the child's dependencies. */
  readonly depIndex?: number;
  readonly field: 'bounds' | 'startIndices';
  readonly value: unknown;
}

/** What every task-running request carries: its reply id, the partitions to run and the driver's prepared state. @internal */
export interface PartitionsRequest {
  readonly id: number;
  readonly partitions: readonly number[];
  readonly prepared: readonly PreparedState[];
}

/** A task-running request that belongs to a scheduler stage. @internal */
export interface StageRequest extends PartitionsRequest {
  readonly jobId: number;
  readonly stageId: number;
}

/** Computes partitions of a replicated RDD and sends them back. @internal */
export interface EvaluateRequest extends StageRequest {
  readonly type: 'evaluate';
  readonly key: number;
}

/** Runs the map side of a shuffle for the given map partitions and exchanges the blocks. @internal */
export interface ShuffleMapRequest extends StageRequest {
  readonly type: 'shuffleMap';
  /** The RDD reading the shuffle, and the index of the shuffle dependency among its dependencies. */
  readonly childKey: number;
  readonly depIndex: number;
}

/**
 * Writes the checkpoint parts of the partitions a worker owns of a replicated RDD into the
 * driver's staging folder (`part-xxxxx`, the value codec), from the partitions captured while
 * the job computed them (computing any it did not). @internal
 */
export interface CheckpointPartsRequest extends PartitionsRequest {
  readonly type: 'checkpointParts';
  readonly key: number;
  readonly staging: string;
}

/** The result of a checkpoint-parts request: `[partition, CRC-32]` of every part written. @internal */
export interface CheckpointPartsResult {
  readonly checksums: readonly (readonly [number, number])[];
}

/**
 * Posted (no reply) once the driver committed a checkpoint folder: the worker's copy of the
 * RDD reads its checkpoint from `path` from now on, and its lineage is cut there. @internal
 */
export interface CheckpointCommitted {
  readonly type: 'checkpointCommitted';
  readonly key: number;
  readonly path: string;
  readonly checksums: readonly number[];
}

/**
 * A preparation computed inside a job (see `JobPreparation`): the range bounds of the
 * partitioner of `childKey`'s shuffle dependency `depIndex`, sampled from the replicated RDD
 * `sourceKey`. Each worker samples the source partitions it owns (`partitions`), the workers
 * exchange their samples, and each sets the same bounds; the reply carries them
 * ({@link PreparedResult}). @internal
 */
export interface RangeBoundsStep extends Omit<StageRequest, 'id'> {
  readonly type: 'rangeBounds';
  readonly childKey: number;
  readonly depIndex: number;
  readonly sourceKey: number;
  /** The number of partitions of the source (the sample size per partition depends on it). */
  readonly sourcePartitions: number;
}

/**
 * A preparation computed inside a job: the start indices of the `zipWithIndex` RDD `key`,
 * from the sizes of its parent's partitions `0..n-2`. Each worker counts those it owns
 * (`partitions`), the workers exchange the counts, and each sets the same offsets; the reply
 * carries the counts ({@link PreparedResult}). @internal
 */
export interface IndexOffsetsStep extends Omit<StageRequest, 'id'> {
  readonly type: 'indexOffsets';
  readonly key: number;
}

/** The result of a preparation step: the bounds, or the counts of partitions `0..n-2`. @internal */
export interface PreparedResult {
  readonly value: readonly unknown[];
}

/** One step of a {@link JobRequest}: a stage (an evaluate or shuffle-map request without its own id) or a preparation. @internal */
export type JobStage = Omit<EvaluateRequest, 'id'> | Omit<ShuffleMapRequest, 'id'> | RangeBoundsStep | IndexOffsetsStep;

/**
 * All the stages of one job for one worker, in the order they run (shuffle map stages
 * parents first, the result stage last), in one message: the worker runs them one after the
 * other and answers once, so a job costs one round trip per worker instead of one per stage.
 * The worker stops at the first stage that fails (its peers fail the same stage: they wait
 * for its blocks) and says which in {@link WorkerReply.failedStage}. @internal
 */
export interface JobRequest {
  readonly type: 'job';
  readonly id: number;
  readonly stages: readonly JobStage[];
  /**
   * `[batch time, child key, dependency index]` of shuffles whose map sides every worker
   * computed and exchanged when the batch was announced: installed before the first stage
   * (their map stages are not sent). A failure there is reported as stage -1.
   */
  readonly ahead?: readonly (readonly [number, number, number])[];
  /**
   * A batch's output jobs sent as soon as the batch starts, before the workers reported what
   * they exchanged ahead: the batch time whose shuffles every worker computed and exchanged
   * when the batch was announced. Each worker learns from its peers which those are (one
   * message each way per batch) and installs such a shuffle at its map stage's step instead
   * of running the stage; the others run as sent. Every worker decides the same, from the same
   * lists. The steps installed so are listed in {@link JobResult.installedAhead}.
   */
  readonly aheadOf?: number;
  /**
   * The first step of each independent lane, ascending from 0: lane `k` is the steps from
   * `lanes[k]` to the next lane's first. No step of a lane reads what another lane's steps
   * compute (the driver puts a job that reads a shuffle an earlier job of the request runs in
   * that job's lane), so the worker runs the lanes at once: while one waits for its peers,
   * another computes. Only without `stepDeltas` and `ahead`.
   */
  readonly lanes?: readonly number[];
  /**
   * Report what each step added to accumulators apart ({@link JobResult.deltas}): a batch's
   * output jobs in one message, whose updates count in the job of the output that takes them.
   */
  readonly stepDeltas?: boolean;
}

/** The result of a job request: each stage's result (an {@link EvaluateResult} or nothing), in order. @internal */
export interface JobResult {
  readonly results: readonly unknown[];
  /** With `stepDeltas`: each step's accumulator updates, in order. */
  readonly deltas?: readonly (readonly AccumulatorUpdate[])[];
  /** With `aheadOf`: the map-stage steps installed from what the workers exchanged ahead (not run). */
  readonly installedAhead?: readonly number[];
}

/** A task-running request. @internal */
export type TaskRequest = EvaluateRequest | ShuffleMapRequest | CheckpointPartsRequest | JobRequest;

/** An error from a worker, as data. @internal */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Set when the error was an `RDDComputeError`. */
  readonly rdd?: string;
  readonly partition?: number;
  readonly what?: string;
  readonly cause?: SerializedError;
  /** An engine error's `blame` (where its cause lies; see `blameOf`). */
  readonly blame?: string;
}

/** A worker's answer to a request with an `id`. @internal */
export interface WorkerReply {
  readonly type: 'reply';
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: SerializedError;
  /**
   * Accumulator updates since the last reply: each accumulator's index and its delta, a
   * structured-cloneable value of the accumulator's kind (`[sum, count]` for the numeric ones,
   * the added elements for a collection accumulator).
   */
  readonly accumulators?: readonly AccumulatorUpdate[];
  /** Tasks run for this request. */
  readonly tasks?: number;
  /** The worker thread's event-loop active time since its executor was created (after it built the graph), in ms, when it replied. */
  readonly activeMs?: number;
  /** Checkpoint part files written for this request. */
  readonly checkpointParts?: number;
  /** Union combines this request's tasks took folded ahead (while the thread waited for its peers' blocks). */
  readonly foldedAhead?: number;
  /** For a failed job request: the index of the stage that failed (the stages before it succeeded). */
  readonly failedStage?: number;
  /**
   * The partitions of persisted replicated RDDs this thread stored since its last reply, as
   * pairs `key, split` (flat): the driver counts them as stored, so its lineage walks stop there.
   */
  readonly stored?: readonly number[];
}

/** The result of an evaluate request: the partitions, encoded, in request order. @internal */
export interface EvaluateResult {
  readonly partitions: readonly EncodedBlock[];
  /**
   * With accumulators: what computing each partition added to them, in request order, not in
   * the reply's: the driver adds a partition's once the action's function succeeded on it.
   */
  readonly deltas?: readonly (readonly AccumulatorUpdate[])[];
}

/** A worker's map-side shuffle blocks for the reduce partitions the receiving worker owns (`m` map, `j` reduce partition). @internal */
export interface BlocksMessage {
  readonly type: 'blocks';
  readonly token: string;
  readonly from: number;
  readonly failed: boolean;
  readonly blocks: readonly { readonly m: number; readonly j: number; readonly block: EncodedBlock }[];
}

/** Asks the owner of reduce partition `split` of a shuffle for its blocks; answered by `fetched` with one block per map partition. @internal */
export interface FetchMessage {
  readonly type: 'fetch';
  readonly reqId: number;
  readonly from: number;
  readonly childKey: number;
  readonly depIndex: number;
  readonly split: number;
}

/** Asks for a partition of an input RDD held by its owner (an `OwnedPartitionsRDD`); answered by `fetched` with one block. @internal */
export interface FetchInputMessage {
  readonly type: 'fetchInput';
  readonly reqId: number;
  readonly from: number;
  readonly key: number;
  readonly split: number;
}

/**
 * Asks the owner of partition `split` of a persisted replicated RDD for the partition it
 * stored; answered by `fetched` with one block, or none when the owner has not stored it. @internal
 */
export interface FetchStoredMessage {
  readonly type: 'fetchStored';
  readonly reqId: number;
  readonly from: number;
  readonly key: number;
  readonly split: number;
}

/** The answer to `fetch`, `fetchInput` or `fetchStored`: the blocks, or the owner's error message. @internal */
export interface FetchedMessage {
  readonly type: 'fetched';
  readonly reqId: number;
  readonly blocks?: readonly (EncodedBlock | undefined)[];
  readonly error?: string;
}

/** A worker's per-partition values of a preparation step (samples or counts of the partitions it owns), sent to every peer. @internal */
export interface ValuesMessage {
  readonly type: 'values';
  readonly token: string;
  readonly from: number;
  readonly failed: boolean;
  readonly values: readonly (readonly [number, unknown])[];
}

/** Messages between workers. @internal */
export type PeerMessage = BlocksMessage | ValuesMessage | FetchMessage | FetchInputMessage | FetchStoredMessage | FetchedMessage;
