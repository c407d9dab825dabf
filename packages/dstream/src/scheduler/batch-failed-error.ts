import type { Time } from '@kindling/core';

/**
 * A batch failed: an output operation (or generating its RDDs) threw. The context stops
 * itself; `awaitTermination*` rethrow this error and `ManualClock.advance` rejects with it.
 * The original error is the `cause`.
 */
export class BatchFailedError extends Error {
  override readonly name = 'BatchFailedError';
  constructor(
    readonly batchTime: Time,
    /** Position of the failed output operation in registration order. */
    readonly outputOpId: number,
    /** The operation and where the user called it, e.g. `foreachRDD at app.ts:31`. */
    readonly outputOperation: string,
    cause: unknown,
    phase: 'run' | 'generate' = 'run',
  ) {
    // A cause message that ends in a full stop does not get a second one.
    const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
    super(
      `Batch ${batchTime} failed in output operation #${outputOpId} (${outputOperation})` +
        (phase === 'generate' ? ' while generating its RDDs' : '') +
        `: ${why}. The StreamingContext has been stopped; fix the cause and start a new context.`,
      { cause },
    );
  }
}
