import type { BatchInfo } from './batch-info.ts';
import type { OutputOperationInfo } from './output-operation-info.ts';

/** Posted once, when `StreamingContext.start()` has started the context. */
export interface StreamingListenerStreamingStarted { readonly time: number }
/** A batch's jobs were generated and queued. */
export interface StreamingListenerBatchSubmitted { readonly batchInfo: BatchInfo }
/** A batch's first output operation is about to run. */
export interface StreamingListenerBatchStarted { readonly batchInfo: BatchInfo }
/** A batch finished (all its output operations ran, or one failed). */
export interface StreamingListenerBatchCompleted { readonly batchInfo: BatchInfo }
/** One output operation of a batch is about to run. */
export interface StreamingListenerOutputOperationStarted { readonly outputOperationInfo: OutputOperationInfo }
/** One output operation of a batch finished; its `failureReason` is set when it failed. */
export interface StreamingListenerOutputOperationCompleted { readonly outputOperationInfo: OutputOperationInfo }

/** A receiver's state, as Spark's `ReceiverInfo` (posted by receiver input streams). */
export interface ReceiverInfo {
  readonly streamId: number;
  /** As Spark's: the receiver's class name, a dash and the stream id (`SocketReceiver-0`). */
  readonly name: string;
  readonly active: boolean;
  readonly location: string;
  readonly executorId: string;
  /**
   * The message of the last error reported, or (once stopped) why it stopped, as Spark's
   * deregistration records it (`Stopped by driver` when the context stops it); `''` when none.
   * Cleared when the receiver (re)starts.
   */
  readonly lastErrorMessage: string;
  /** The last error's stack (`''` without one). */
  readonly lastError: string;
  /** When the last error happened (epoch ms), -1 without one. */
  readonly lastErrorTime: number;
}
/** A receiver started (also after a restart). */
export interface StreamingListenerReceiverStarted { readonly receiverInfo: ReceiverInfo }
/** A receiver reported an error (`Receiver.reportError`) and goes on. */
export interface StreamingListenerReceiverError { readonly receiverInfo: ReceiverInfo }
/**
 * A receiver stopped: for good, or to be started again (a restart, its own `stop`, an `onStart` that threw).
 * `receiverInfo.lastErrorMessage` says why, as Spark's.
 */
export interface StreamingListenerReceiverStopped { readonly receiverInfo: ReceiverInfo }

/**
 * Callbacks on the progress of a `StreamingContext`, as Spark's `StreamingListener`; implement
 * any subset and pass it to `ssc.addStreamingListener`. Callbacks run synchronously on the
 * engine's loop, in event order; keep them short. An exception in a callback is reported as a
 * process warning and does not affect the stream.
 *
 * For one batch the order is: batch submitted, batch started, then for each output
 * operation started/completed, then batch completed.
 */
export interface StreamingListener {
  onStreamingStarted?(event: StreamingListenerStreamingStarted): void;
  onBatchSubmitted?(event: StreamingListenerBatchSubmitted): void;
  onBatchStarted?(event: StreamingListenerBatchStarted): void;
  onBatchCompleted?(event: StreamingListenerBatchCompleted): void;
  onOutputOperationStarted?(event: StreamingListenerOutputOperationStarted): void;
  onOutputOperationCompleted?(event: StreamingListenerOutputOperationCompleted): void;
  onReceiverStarted?(event: StreamingListenerReceiverStarted): void;
  onReceiverError?(event: StreamingListenerReceiverError): void;
  onReceiverStopped?(event: StreamingListenerReceiverStopped): void;
}

/** The events, keyed by the callback that receives them. */
export interface StreamingListenerEvents {
  onStreamingStarted: StreamingListenerStreamingStarted;
  onBatchSubmitted: StreamingListenerBatchSubmitted;
  onBatchStarted: StreamingListenerBatchStarted;
  onBatchCompleted: StreamingListenerBatchCompleted;
  onOutputOperationStarted: StreamingListenerOutputOperationStarted;
  onOutputOperationCompleted: StreamingListenerOutputOperationCompleted;
  onReceiverStarted: StreamingListenerReceiverStarted;
  onReceiverError: StreamingListenerReceiverError;
  onReceiverStopped: StreamingListenerReceiverStopped;
}
