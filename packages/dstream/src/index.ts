export { DStream, batchFileName } from './internal.ts';
export type { ForeachRDDFunction } from './internal.ts';
export { InputDStream } from './internal.ts';
export {
  FileInputDStream,
  ReceiverInputDStream,
  SocketInputDStream,
  Receiver,
  ObservableReceiver,
  SocketReceiver,
  RateLimiter,
  BlockGenerator,
  PIDRateEstimator,
  RateController,
  InMemoryBlockStore,
  ReceivedBlockTracker,
} from './internal.ts';
export type {
  BatchInputDescription,
  FileBatchInput,
  FileInputEntry,
  BlockBatchInput,
  ReceivedBlockInfo,
  OffsetRangeDescription,
  OffsetRangeBatchInput,
  FileStreamOptions,
  FileInputProblem,
  FileInputStreamState,
  FileRecordReader,
  FileRangeReader,
  ReceivedBlockStore,
  ReceiverStreamOptions,
  SocketReceiverOptions,
  SaveBatchOptions,
} from './internal.ts';
export {
  LogInputDStream,
  LogRDD,
  OffsetRange,
  ConsumerStrategy,
  ConsumerStrategies,
  LocationStrategy,
  LocationStrategies,
  PerPartitionConfig,
  DefaultPerPartitionConfig,
  OffsetOutOfRangeError,
  hasOffsetRanges,
  topicPartitionKey,
  maxMessagesPerPartition,
  inputInfoDescription,
  NotCoPartitionedError,
  checkGroupGraph,
  verifyKeyPlacement,
} from './internal.ts';
export { ExchangeRDD, StaticPartitionAssignment, GroupPlanError, RepartitionWaitAbortedError, LeaseLostError, GroupStateLostError, GroupStateMismatchError } from './internal.ts';
export type { RepartitionLog, RepartitionLogProvider, RepartitionBatch, PartitionAssignment, ExchangeRDDOptions, GroupAssignment } from './internal.ts';
export type {
  LogSource,
  LogOffsetBounds,
  LogCommitRequest,
  LogParams,
  StartingOffsets,
  LogRDDOptions,
  LogInputStreamState,
  TopicPartition,
  HasOffsetRanges,
  CanCommitOffsets,
  CommittedOffset,
  OffsetCommitCallback,
  PartitionLeases,
  GroupGrid,
  GroupStateStream,
  PartitionBatch,
  AcquiredPartition,
  StateDelta,
  PartitionCommit,
  CommitOutcome,
  DescribeOutcome,
  GroupRuntime,
  GroupBatchPlan,
  OwnedPartitionBatch,
} from './internal.ts';
export { State, StateSpec, MapWithStateDStream } from './internal.ts';
export { StreamingContext, StreamingConf, DEFAULT_MAX_LINE_LENGTH, DEFAULT_STATE_SNAPSHOT_INTERVAL } from './internal.ts';
export type { BackpressureConf, GroupConf, LogSourceRateConf } from './internal.ts';
export type { StreamingContextState, RDDsOf } from './internal.ts';
export { DStreamGraph } from './internal.ts';
export { IncompatibleCheckpointError, UnrecoverableCheckpointError, CorruptCheckpointError, CheckpointDirectoryLockedError, CHECKPOINT_FORMAT_VERSION } from './internal.ts';
export { UIBindError } from './internal.ts';
export type { CheckpointableInput, CheckpointRecoveryInfo, CheckpointLockHolder, MetadataCheckpoint } from './internal.ts';
export { BatchInfo, OutputOperationInfo, BatchFailedError } from './internal.ts';
export type {
  StreamInputInfo,
  StreamingListener,
  StreamingListenerEvents,
  StreamingListenerStreamingStarted,
  StreamingListenerBatchSubmitted,
  StreamingListenerBatchStarted,
  StreamingListenerBatchCompleted,
  StreamingListenerOutputOperationStarted,
  StreamingListenerOutputOperationCompleted,
  StreamingListenerReceiverStarted,
  StreamingListenerReceiverError,
  StreamingListenerReceiverStopped,
  ReceiverInfo,
} from './internal.ts';
export { Duration, Milliseconds, Seconds, Minutes, Time, Interval, ManualClock } from '@kindling/core';
