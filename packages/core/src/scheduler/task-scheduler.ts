import type { Task } from './task.ts';

/**
 * The execution boundary: a stage's tasks go in, their results come out in the same order.
 * Implementations decide where tasks run (the main thread today; worker threads or processes
 * later) without any change to RDD classes.
 */
export interface TaskScheduler {
  runTasks<R>(tasks: readonly Task<R>[]): Promise<R[]>;
  stop(): void;
}
