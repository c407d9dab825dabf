import type { RDD } from '../rdd/rdd.ts';

/** Emitted when a job (one action, or an internal job such as a sort's sampling) starts. */
export interface JobStartEvent {
  readonly jobId: number;
  readonly rdd: RDD<unknown>;
  /** The action or internal purpose (`collect`, `count`, `sortByKey`, ...). */
  readonly callSite: string;
  readonly time: number;
  /**
   * The local properties the job was submitted with (Spark's `SparkListenerJobStart.properties`):
   * `spark.jobGroup.id` and `spark.job.description` when set (`sc.setJobGroup`).
   */
  readonly properties?: ReadonlyMap<string, string>;
}

/** Emitted when a job ends, with its error when it failed. */
export interface JobEndEvent {
  readonly jobId: number;
  readonly callSite: string;
  readonly time: number;
  /** Shuffle map stages run by this job (0 when every shuffle output was reused). */
  readonly shuffleStagesRun: number;
  readonly error?: unknown;
}

/**
 * A stage of a job as it is submitted or completed (Spark's `StageInfo` with the task counts
 * Spark's status store keeps beside it). A job runs its missing shuffle map stages, parents
 * first, then its result stage; every stage has one task per partition it computes.
 */
export interface StageInfo {
  /** Unique in the `SparkContext`, increasing in submission order. */
  readonly stageId: number;
  /** The job that submitted the stage. */
  readonly jobId: number;
  /**
   * `ShuffleMapStage` (the map side of a shuffle, e.g. of `reduceByKey`) or `ResultStage`
   * (the action's own stage).
   */
  readonly kind: 'ShuffleMapStage' | 'ResultStage';
  /** What the stage computes: the RDD reading the shuffle, or the action. */
  readonly name: string;
  /** Tasks of the stage: one per partition it computes. */
  readonly numTasks: number;
  /** Tasks that finished successfully (all of them once the stage succeeded). */
  readonly numCompletedTasks: number;
  /** Tasks that failed (a failed task fails its stage and job: there are no retries). */
  readonly numFailedTasks: number;
  /** Epoch ms. */
  readonly submissionTime: number;
  /** Epoch ms; absent while the stage runs. */
  readonly completionTime?: number;
  /** The failing task's error message, when the stage failed. */
  readonly failureReason?: string;
}

/** Emitted when a job submits a stage's tasks (Spark's `SparkListenerStageSubmitted`). */
export interface StageSubmittedEvent {
  readonly stageInfo: StageInfo;
}

/**
 * Emitted when a stage's tasks have all finished or one failed (Spark's
 * `SparkListenerStageCompleted`), with the final task counts.
 */
export interface StageCompletedEvent {
  readonly stageInfo: StageInfo;
}

/** Hooks into job execution (`sc.addJobListener`), e.g. to count jobs in tests. */
export interface JobListener {
  onJobStart?(event: JobStartEvent): void;
  onJobEnd?(event: JobEndEvent): void;
  onStageSubmitted?(event: StageSubmittedEvent): void;
  onStageCompleted?(event: StageCompletedEvent): void;
}
