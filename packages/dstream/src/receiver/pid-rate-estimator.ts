import type { BackpressureConf } from '../streaming-conf.ts';

/**
 * Spark's `PIDRateEstimator`: a proportional-integral-derivative controller that estimates
 * how many records per second a stream can ingest so that batches keep up.
 *
 * Fed with each completed batch (see `RateController`): the measured processing rate is
 * `numElements / processingDelay`; the error is the previous estimate minus that rate; the
 * integral term is the backlog the scheduling delay stands for
 * (`schedulingDelay * processingRate / batchInterval`); the derivative is the change of the
 * error per second. The new rate is
 * `latestRate - proportional * error - integral * historicalError - derivative * dError`,
 * never below `minRate`. The first usable batch only sets the baseline (no estimate); a
 * batch with no records, no processing delay, or not later than the previous one is ignored.
 */
export class PIDRateEstimator {
  #firstRun = true;
  #latestTime = -1;
  #latestRate = -1;
  #latestError = -1;

  constructor(
    readonly batchIntervalMillis: number,
    readonly proportional = 1.0,
    readonly integral = 0.2,
    readonly derivative = 0.0,
    readonly minRate = 100,
  ) {
    const need = (ok: boolean, what: string): void => {
      if (!ok) throw new RangeError(`PIDRateEstimator: ${what}. Fix the spark.streaming.backpressure.pid.* settings.`);
    };
    need(batchIntervalMillis > 0, `the batch interval must be > 0, got ${batchIntervalMillis}`);
    need(proportional >= 0, `proportional must be >= 0, got ${proportional}`);
    need(integral >= 0, `integral must be >= 0, got ${integral}`);
    need(derivative >= 0, `derived must be >= 0, got ${derivative}`);
    need(minRate > 0, `minRate must be > 0, got ${minRate}`);
  }

  /**
   * The estimator configured as Spark's: `spark.streaming.backpressure.pid.proportional` (1.0),
   * `.integral` (0.2), `.derived` (0.0), `.minRate` (100), from `ssc.streamingConf.backpressure`.
   */
  static fromConf(conf: BackpressureConf, batchIntervalMillis: number): PIDRateEstimator {
    return new PIDRateEstimator(batchIntervalMillis, conf.proportional, conf.integral, conf.derived, conf.minRate);
  }

  /**
   * The new rate (records/s) after a batch, or `undefined` when there is no estimate yet.
   * @param time when the batch finished processing (ms)
   * @param numElements records the stream fed into the batch
   * @param processingDelay ms the batch took to process
   * @param schedulingDelay ms the batch waited before processing
   */
  compute(time: number, numElements: number, processingDelay: number, schedulingDelay: number): number | undefined {
    if (!(time > this.#latestTime && numElements > 0 && processingDelay > 0)) return undefined;
    const delaySinceUpdate = (time - this.#latestTime) / 1000;
    const processingRate = (numElements / processingDelay) * 1000;
    const error = this.#latestRate - processingRate;
    const historicalError = (schedulingDelay * processingRate) / this.batchIntervalMillis;
    const dError = (error - this.#latestError) / delaySinceUpdate;
    const newRate = Math.max(this.#latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError, this.minRate);
    this.#latestTime = time;
    if (this.#firstRun) {
      this.#latestRate = processingRate;
      this.#latestError = 0;
      this.#firstRun = false;
      return undefined;
    }
    this.#latestRate = newRate;
    this.#latestError = error;
    return newRate;
  }
}
