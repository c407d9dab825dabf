/**
 * Tasks are synchronous: a function given to `foreach`/`foreachPartition` (or their async
 * forms) that returns a Promise would run detached from the job, so the task fails instead.
 */
export function rejectAsync(result: unknown, action: string): void {
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    (result as Promise<unknown>).then(undefined, () => {});
    throw new Error(
      `The function passed to ${action} returned a Promise, but tasks run synchronously: make it synchronous, or collect() the data and await your async work in the driver (in a stream, inside foreachRDD)`,
    );
  }
}
