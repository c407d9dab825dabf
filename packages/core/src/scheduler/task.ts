import type { StageSpec } from './stage-spec.ts';

/**
 * A unit of work for a `TaskScheduler`: computes one partition of a stage, synchronously.
 * A result task returns the action's value for its partition; a shuffle map task writes its
 * map output and returns nothing.
 */
export interface Task<R> {
  readonly jobId: number;
  readonly stageId: number;
  readonly partitionId: number;
  /** Runs the task; throws when it fails. */
  run(): R;
  /** What the task's stage computes, for schedulers that run tasks outside this thread. @internal */
  readonly stage?: StageSpec;
}
