import type { Task } from './task.ts';
import type { TaskScheduler } from './task-scheduler.ts';
import type { ActiveJobs } from './active-jobs.ts';
import { runAsTask } from '../util/task-updates.ts';

const YIELD_AFTER_MS = 4;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const performanceNow = (): number => performance.now();

/**
 * Runs tasks one after another in the main thread. Between tasks it yields to the event loop
 * once its tasks have run for a few milliseconds since its last yield, so sockets and timers
 * stay alive during long jobs while short jobs pay nothing: a stage that needs no yield runs
 * without an async function of its own (one promise, already settled, instead of an async
 * frame per stage).
 *
 * Only the tasks' own time counts, not the time between them: the event loop turns between
 * the batches of a real clock anyway, and time spent in the program outside the tasks (the
 * user's code between batches, the engine's planning) or waiting for a core on a loaded
 * machine is no starvation of the loop that this scheduler causes. Counting wall time since
 * the last yield made the first task of nearly every batch yield (a `setImmediate` round
 * trip and an async frame per batch, more often the more loaded the machine).
 */
export class LocalTaskScheduler implements TaskScheduler {
  /** Time spent running tasks since the last yield, ms. */
  private busyMs = 0;
  /** Whose cancellations stop a job before its next task. */
  private jobs: ActiveJobs | undefined;

  constructor(
    /** The clock tasks are timed with (ms); tests pass their own. */
    private readonly now: () => number = performanceNow,
    /** Task time after which the next task first yields to the event loop, ms. */
    private readonly yieldAfterMs = YIELD_AFTER_MS,
  ) {}

  runTasks<R>(tasks: readonly Task<R>[]): Promise<R[]> {
    const results = new Array<R>(tasks.length);
    try {
      for (let i = 0; i < tasks.length; i++) {
        if (this.busyMs >= this.yieldAfterMs) return this.runYielding(tasks, results, i);
        this.jobs?.throwIfCancelled(tasks[i]!.jobId);
        results[i] = this.runTimed(tasks[i]!);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(results);
  }

  /** The rest of {@link LocalTaskScheduler.runTasks} from task `from`, yielding as it goes. */
  private async runYielding<R>(tasks: readonly Task<R>[], results: R[], from: number): Promise<R[]> {
    for (let i = from; i < tasks.length; i++) {
      if (this.busyMs >= this.yieldAfterMs) {
        await yieldToEventLoop();
        this.busyMs = 0;
      }
      this.jobs?.throwIfCancelled(tasks[i]!.jobId);
      results[i] = this.runTimed(tasks[i]!);
    }
    return results;
  }

  /**
   * Runs one task, adding its time (failed or not) to the time since the last yield. Its
   * accumulator additions count only if it succeeds (see task-updates.ts).
   */
  private runTimed<R>(task: Task<R>): R {
    const start = this.now();
    try {
      return runAsTask(() => task.run());
    } finally {
      this.busyMs += this.now() - start;
    }
  }

  watchCancellations(jobs: ActiveJobs): void { this.jobs = jobs; }

  stop(): void {}
}
