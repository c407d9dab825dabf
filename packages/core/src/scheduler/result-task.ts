import { RDDComputeError } from '../rdd/rdd-compute-error.ts';
import type { RDD } from '../rdd/rdd.ts';
import { PartitionEvaluator } from './partition-evaluator.ts';
import type { StageSpec } from './stage-spec.ts';
import type { Task } from './task.ts';
import type { TaskContext } from './task-context.ts';

/** Where a job's result tasks put their results: slot `i` of `results`, marked in `finished`. @internal */
export interface ResultSlots<U> {
  readonly results: U[];
  readonly finished: boolean[];
  /** Tasks of the stage that completed (listeners' counts on failure). */
  readonly done: { tasks: number };
}

/**
 * A task of a result stage, as Spark's `ResultTask`: evaluates partition `partitionId` of the
 * stage's RDD and applies the job's function to it, storing the result in slot `slot`. A class
 * rather than a closure per task: a job allocates one object per task and no function.
 * @internal
 */
export class ResultTask<T, U> implements Task<U> {
  constructor(
    readonly jobId: number,
    readonly stageId: number,
    readonly partitionId: number,
    readonly stage: StageSpec & { readonly kind: 'result' },
    private readonly func: (data: readonly T[], ctx: TaskContext) => U,
    private readonly slots: ResultSlots<U>,
    private readonly slot: number,
  ) {}

  run(): U {
    const p = this.partitionId;
    const root = this.stage.rdd as RDD<T>;
    const ev = new PartitionEvaluator(this.jobId, this.stageId, p);
    const data = ev.evaluate(root, p);
    let result: U;
    try {
      result = this.func(data, ev);
    } catch (e) {
      throw new RDDComputeError(root.describeForError(), p, `run ${this.stage.callSite} on`, e);
    }
    const slots = this.slots;
    slots.done.tasks++;
    slots.results[this.slot] = result;
    slots.finished[this.slot] = true;
    return result;
  }
}
