import type { RDD, Time } from '@kindling/core';
import type { Job } from './job.ts';

/**
 * One batch's job of an output operation: runs `body` on the batch's RDD. A class rather than
 * an object literal with closures, so that a batch allocates one object per output and no
 * function; and its description (the operation's call site, formatted on first read) is read
 * only when something shows it (a listener, the UI, an error).
 * @internal
 */
export class OutputJob<T> implements Job {
  constructor(
    readonly time: Time,
    readonly outputOpId: number,
    readonly name: string,
    /** The output operation, whose `description` names the job. */
    private readonly operation: { readonly description: string },
    readonly rdd: RDD<unknown>,
    private readonly body: (rdd: RDD<T>, time: Time) => void | Promise<void>,
  ) {}

  get description(): string { return this.operation.description; }

  run(): void | Promise<void> { return this.body(this.rdd as RDD<T>, this.time); }
}
