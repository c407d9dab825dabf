import type { Time } from '@kindling/core';

/**
 * A batch's reduce side was still waiting for end-of-batch markers on a repartition log when
 * the context stopped: the batch did not run (it runs again, from its recorded ranges, on
 * whichever instance owns the partition next).
 */
export class RepartitionWaitAbortedError extends Error {
  constructor(
    readonly streamName: string,
    readonly batchTime: Time,
    readonly logName: string,
    readonly partition: number,
    readonly missingSources: readonly number[],
  ) {
    super(`${streamName}: batch ${batchTime} stopped waiting on ${logName} partition ${partition} for the end-of-batch markers of source partition(s) ${missingSources.join(', ')} (the context stopped); the batch did not run and runs again on the partition's next owner.`);
    this.name = 'RepartitionWaitAbortedError';
  }
}
