const USER_FUNCTION = 'The error came from a function passed to this RDD (see cause); fix it or filter out the records it cannot handle.';

/**
 * Where the cause of a failed task lies: a function passed to the RDD, unless the error says
 * otherwise by a `blame` of its own (an engine error whose cause is an argument, such as a
 * partition count of 0).
 * @internal
 */
export function blameOf(cause: unknown): string {
  const blame = cause instanceof Error ? (cause as { blame?: unknown }).blame : undefined;
  return typeof blame === 'string' ? blame : USER_FUNCTION;
}

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
    // Without its own closing period: the sentence after it starts one.
    const msg = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
    super(`Failed to ${what} partition ${partition} of ${rddDescription}: ${msg}. ${blameOf(cause)}`, { cause });
  }
}
