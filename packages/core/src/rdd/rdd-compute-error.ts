/**
 * A task failed: a user function (or the data it met) threw while computing a partition.
 * Names the RDD, its partition and the job's action; the original error is `cause`.
 */
export class RDDComputeError extends Error {
  override readonly name = 'RDDComputeError';
  constructor(
    readonly rddDescription: string,
    readonly partition: number,
    readonly what: string,
    cause: unknown,
  ) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(
      `Failed to ${what} partition ${partition} of ${rddDescription}: ${msg}. ` +
        'The error came from a function passed to this RDD (see cause); fix it or filter out the records it cannot handle.',
      { cause },
    );
  }
}
