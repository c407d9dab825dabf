export { Duration, Milliseconds, Seconds, Minutes } from './time/duration.ts';
export { Time } from './time/time.ts';
export { Interval } from './time/interval.ts';
export type { Clock } from './time/clock.ts';
export { SystemClock } from './time/clock.ts';
export { ManualClock } from './time/manual-clock.ts';

export {
  RDD,
  type PairRDD,
  MapPartitionsRDD,
  ShuffledRDD,
  CoGroupedRDD,
  UnionRDD,
  PartitionerAwareUnionRDD,
  CoalescedRDD,
  CartesianRDD,
  ZippedWithIndexRDD,
  ZippedPartitionsRDD,
  RangePartitioner,
  ParallelCollectionRDD,
  OwnedPartitionsRDD,
  EmptyRDD,
  TextFileRDD,
  WholeFilesRDD,
  WholeTextFilesRDD,
  BinaryFilesRDD,
  PortableDataStream,
  SampledByKeyExactRDD,
  ObjectFileRDD,
  ReliableCheckpointRDD,
  CorruptCheckpointPartError,
  checkpointPartMismatch,
  SparkContext,
  parseMaster,
  sliceCollection,
} from './internal.ts';
export { SparkConf } from './spark-conf.ts';
export { IllegalConfigValueError } from './illegal-config-value-error.ts';
export { Partitioner, HashPartitioner, defaultPartitioner, type NumPartitionsOrPartitioner } from './rdd/partitioner.ts';
export { Dependency, NarrowDependency, OneToOneDependency, RangeDependency, FunctionNarrowDependency, ShuffleDependency } from './rdd/dependency.ts';
export type { Aggregator } from './rdd/aggregator.ts';
export { RDDComputeError } from './rdd/rdd-compute-error.ts';
export { InvalidPartitionError, invalidPartition } from './rdd/invalid-partition-error.ts';
export { MissingMapOutputError } from './scheduler/missing-map-output-error.ts';
export { JobCancelledError } from './scheduler/job-cancelled-error.ts';
export { FutureAction } from './scheduler/future-action.ts';
export { type TaskContext, parentDataOf } from './scheduler/task-context.ts';
export type { Task } from './scheduler/task.ts';
export type { TaskScheduler, RemoteCheckpointWriter } from './scheduler/task-scheduler.ts';
export type { JobPreparation } from './scheduler/job-preparation.ts';
export { LocalTaskScheduler } from './scheduler/local-task-scheduler.ts';
// The worker-thread runtime of local[N] with a replicated graph (used by @kindling/dstream).
export type { StageSpec, ResultStageSpec, ShuffleMapStageSpec } from './scheduler/stage-spec.ts';
export { groupMapSides, releaseMapSideGroup, type MapSideGroup } from './scheduler/map-side-group.ts';
export { parentsAllStored, unstoredDependencies } from './scheduler/stored-parents.ts';
export { isLine } from './scheduler/lineage-line.ts';
export { ReplicatedRDDs } from './scheduler/replicated-rdds.ts';
export { WorkerTaskScheduler, type WorkerTaskCounts, type BatchOutput } from './scheduler/worker-task-scheduler.ts';
export { WorkerExecutor, type PeerPort } from './scheduler/worker-executor.ts';
export { WorkerRpc, type WorkerPort } from './scheduler/worker-rpc.ts';
export { WorkerLostError, serializeError, reviveError } from './scheduler/worker-errors.ts';
export { encodeBlock, decodeBlock, type EncodedBlock } from './scheduler/shuffle-block-codec.ts';
export type { TaskRequest, WorkerReply, PeerMessage, SerializedError, CheckpointCommitted } from './scheduler/worker-protocol.ts';
export type { JobListener, JobStartEvent, JobEndEvent, StageInfo, StageSubmittedEvent, StageCompletedEvent } from './scheduler/job-listener.ts';
export { StorageLevel } from './storage/storage-level.ts';
export { Broadcast } from './broadcast/broadcast.ts';
export { LongAccumulator } from './util/long-accumulator.ts';
export { StatCounter } from './util/stat-counter.ts';
export { BoundedDouble } from './partial/bounded-double.ts';
export { PartialResult } from './partial/partial-result.ts';
export { DoubleAccumulator } from './util/double-accumulator.ts';
export { CollectionAccumulator } from './util/collection-accumulator.ts';
export type { ThreadAccumulator, AccumulatorUpdate } from './util/accumulator-update.ts';
export { KINDLING_VERSION } from './version.ts';
export { formatElement } from './util/format-element.ts';
export { KeyMap } from './util/key-map.ts';
export { KeySet } from './util/key-set.ts';
export { hashCode, keyEquals, stringHashCode, numberHashCode, nonNegativeMod, isPrimitiveKey } from './util/hash-code.ts';
export { naturalOrdering, reverseOrdering, type Ordering } from './util/ordering.ts';
export { combineValuesByKey, combineCombinersByKey, combineValueColumns, combineCombinerColumns } from './rdd/combine.ts';
export { PairColumns, recordsOf, columnsOf, inAppendOnlyMapOrder, type PartitionData } from './rdd/pair-columns.ts';
export type { KeySlots } from './rdd/combine-key-index.ts';
export { appendOnlyMapOrder, appendOnlyMapSlotOrder, slotOrderOfSpreads, spreadHash } from './util/append-only-map-order.ts';
export { pairOf } from './util/handed-pair.ts';
export type { PartitionKernel } from './rdd/kernels.ts';
export type { RecordOp, FusibleRDD, RecordCountingRDD } from './rdd/record-pipeline.ts';
export { countPartitionRecords } from './rdd/record-pipeline.ts';
export { getLogger, setLogLevel, getLogLevel, setLogSink, parseLogLevel, StderrLogSink, type Logger, type LogSink, type LogLevel } from './util/logger.ts';
export { captureCallSite, withCallSite, enterCallSite, restoreCallSite, currentCallSite, callSiteFromStack, type CallSite } from './util/call-site.ts';
