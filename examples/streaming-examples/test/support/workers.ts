import type { WorkerTaskScheduler } from '@kindling/core';
import type { StreamingContext } from '@kindling/dstream';

/**
 * Tasks run in each worker thread of a context whose graph runs on worker threads
 * (`buildGraph` under `local[N]`), or undefined when its tasks run on the main thread.
 */
export function tasksPerWorker(ssc: StreamingContext): number[] | undefined {
  const scheduler = (ssc.sparkContext as unknown as { taskScheduler: unknown }).taskScheduler;
  const counts = (scheduler as Partial<WorkerTaskScheduler>).counts;
  return counts?.perWorker.slice();
}
