import type { Time } from '@kindling/core';
import type { JobSet } from './job-set.ts';

/**
 * What the job generator and scheduler tell metadata checkpointing, and wait for (the
 * checkpoint writer implements it; a context without a checkpoint directory has none).
 * @internal
 */
export interface BatchCheckpointing {
  /** A batch's jobs were generated (its input is assigned): capture the "generated" checkpoint. */
  batchGenerated(jobSet: JobSet): void;
  /** A batch ran (or failed) and its metadata was cleared: capture the "completed" checkpoint. */
  batchCompleted(jobSet: JobSet): void;
  /**
   * Resolves when batch `time`'s outputs may run: its "generated" checkpoint is in place
   * (fsynced too, for the first batch of a run), so that no output exists for a batch
   * recovery would not know.
   */
  whenOutputsMayRun(time: number): Promise<void>;
}

/**
 * Where batch generation starts after a recovery: the recovered zero time, the batches to run
 * again first (in time order), and the first batch time after them. Batches from `resumeAt`
 * up to the clock's time were missed while the application was down: they are generated a few
 * at a time as earlier ones complete (a long downtime must not queue millions at once).
 * @internal
 */
export interface GeneratorRecovery {
  readonly zeroTime: Time;
  readonly replayTimes: readonly Time[];
  readonly resumeAt: number;
}
