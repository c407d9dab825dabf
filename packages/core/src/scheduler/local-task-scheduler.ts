import type { Task } from './task.ts';
import type { TaskScheduler } from './task-scheduler.ts';

const YIELD_AFTER_MS = 4;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs tasks one after another in the main thread. Between tasks it yields to the event loop
 * once a few milliseconds have passed since the last yield, so sockets and timers stay
 * alive during long jobs while short jobs pay nothing: a stage that needs no yield runs
 * without an async function of its own (one promise, already settled, instead of an async
 * frame per stage).
 */
export class LocalTaskScheduler implements TaskScheduler {
  private lastYield = performance.now();

  runTasks<R>(tasks: readonly Task<R>[]): Promise<R[]> {
    const results = new Array<R>(tasks.length);
    try {
      for (let i = 0; i < tasks.length; i++) {
        if (performance.now() - this.lastYield >= YIELD_AFTER_MS) return this.runYielding(tasks, results, i);
        results[i] = tasks[i]!.run();
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(results);
  }

  /** The rest of {@link LocalTaskScheduler.runTasks} from task `from`, yielding as it goes. */
  private async runYielding<R>(tasks: readonly Task<R>[], results: R[], from: number): Promise<R[]> {
    for (let i = from; i < tasks.length; i++) {
      if (performance.now() - this.lastYield >= YIELD_AFTER_MS) {
        await yieldToEventLoop();
        this.lastYield = performance.now();
      }
      results[i] = tasks[i]!.run();
    }
    return results;
  }

  stop(): void {}
}
