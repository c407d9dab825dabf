/**
 * What one input stream fed into one batch, as Spark's `StreamInputInfo`. Input streams report
 * it from `compute(time)` (see `InputDStream.reportInputInfo`); the batch's `numRecords` is
 * the sum over its inputs.
 */
export interface StreamInputInfo {
  /** The input stream's numeric id (`InputDStream.id`). */
  readonly inputStreamId: number;
  readonly numRecords: number;
  /** Free-form details for listeners and UIs (files read, offset ranges, ...). */
  readonly metadata: Readonly<Record<string, unknown>>;
}
