import type { RDD } from '../rdd/rdd.ts';

/** Emitted when a job (one action, or an internal job such as a sort's sampling) starts. */
export interface JobStartEvent {
  readonly jobId: number;
  readonly rdd: RDD<unknown>;
  /** The action or internal purpose (`collect`, `count`, `sortByKey`, ...). */
  readonly callSite: string;
  readonly time: number;
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

/** Hooks into job execution (`sc.addJobListener`), e.g. to count jobs in tests. */
export interface JobListener {
  onJobStart?(event: JobStartEvent): void;
  onJobEnd?(event: JobEndEvent): void;
}
