import type { RDD } from '../rdd/rdd.ts';
import type { JobPreparation } from './job-preparation.ts';
import type { Task } from './task.ts';
import type { ActiveJobs } from './active-jobs.ts';

/**
 * Writes the checkpoint of an RDD whose partitions live in other threads (the worker threads
 * of `local[N]`), each part by the thread that owns it, so the data never comes to the driver.
 * @internal
 */
export interface RemoteCheckpointWriter {
  /** Writes every part file into the staging folder; returns each part's CRC-32, in partition order. */
  writeParts(stagingDir: string): Promise<readonly number[]>;
  /** The staging folder was committed as `path`: the owners cut their copies' lineage there too. */
  committed(path: string, checksums: readonly number[]): void;
}

/**
 * The execution boundary: a stage's tasks go in, their results come out in the same order.
 * Implementations decide where tasks run (the main thread today; worker threads or processes
 * later) without any change to RDD classes.
 */
export interface TaskScheduler {
  runTasks<R>(tasks: readonly Task<R>[]): Promise<R[]>;
  stop(): void;
  /**
   * Optionally takes a whole job at once: its stages' tasks in the order they must run
   * (shuffle map stages parents first, the result stage last), each stage starting once the
   * one before it succeeded. Returns each stage's results (a failed stage rejects, and so do
   * the stages after it), or `undefined` to have the stages run one by one with
   * {@link TaskScheduler.runTasks}. Lets a scheduler send a job's stages in one message.
   * `preparations` are set when {@link TaskScheduler.preparesInJob} took them: the scheduler
   * computes each before the first stage that needs it, and must then take the job.
   */
  submitJob?(stages: readonly (readonly Task<unknown>[])[], preparations?: readonly JobPreparation[]): readonly Promise<unknown[]>[] | undefined;
  /**
   * Optionally takes the preparations of a job over `root` (range bounds, zipWithIndex offsets,
   * deepest first) into the job itself, computing them between its stages where the data is,
   * instead of the DAG scheduler running each as a job of its own first. Returns false to
   * leave them to the DAG scheduler.
   */
  preparesInJob?(root: RDD<unknown>, preparations: readonly JobPreparation[]): boolean;
  /**
   * When the partitions of `rdd` are computed elsewhere: who writes its checkpoint there.
   * `undefined` (or no method): the driver computes and writes it.
   */
  checkpointWriter?(rdd: RDD<unknown>): RemoteCheckpointWriter | undefined;
  /**
   * Optionally checks `jobs` for cancellations between the tasks it runs, failing a cancelled
   * job's stage before its next task (`sc.cancelJobGroup`, `FutureAction.cancel()`); without
   * it, cancellations take effect between stages.
   */
  watchCancellations?(jobs: ActiveJobs): void;
}
