export { DStream, batchFileName } from './internal.ts';
export type { ForeachRDDFunction } from './internal.ts';
export { InputDStream } from './internal.ts';
export { State, StateSpec, MapWithStateDStream } from './internal.ts';
export { StreamingContext } from './internal.ts';
export type { StreamingContextState, RDDsOf } from './internal.ts';
export { DStreamGraph } from './internal.ts';
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
export { Duration, Milliseconds, Seconds, Minutes, Time, ManualClock } from '@kindling/core';
