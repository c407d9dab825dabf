import type { StreamingListener, StreamingListenerBatchCompleted } from '../scheduler/streaming-listener.ts';
import type { PIDRateEstimator } from './pid-rate-estimator.ts';

/**
 * Backpressure for one input stream (Spark's `RateController`): a streaming listener that
 * feeds every completed batch's end time, processing delay, scheduling delay and the stream's
 * record count to a {@link PIDRateEstimator}, and publishes each new estimate (records/s)
 * to the stream's rate limiter.
 */
export class RateController implements StreamingListener {
  /** The latest published rate, `undefined` before the first estimate. */
  latestRate: number | undefined;

  constructor(
    readonly streamId: number,
    private readonly estimator: PIDRateEstimator,
    private readonly publish: (rate: number) => void,
  ) {}

  onBatchCompleted({ batchInfo }: StreamingListenerBatchCompleted): void {
    const input = batchInfo.streamIdToInputInfo.get(this.streamId);
    const end = batchInfo.processingEndTime;
    const work = batchInfo.processingDelay;
    const wait = batchInfo.schedulingDelay;
    if (input === undefined || end === undefined || work === undefined || wait === undefined) return;
    const rate = this.estimator.compute(end, input.numRecords, work, wait);
    if (rate === undefined) return;
    this.latestRate = rate;
    this.publish(rate);
  }
}
