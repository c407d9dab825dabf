import { describe, expect, it } from 'vitest';
import { LocalTaskScheduler } from './local-task-scheduler.ts';
import type { Task } from './task.ts';

const task = <R>(partitionId: number, run: () => R): Task<R> => ({ jobId: 0, stageId: 0, partitionId, run });

describe('LocalTaskScheduler', () => {
  it('runs every task, in order, and returns results in task order', async () => {
    const order: number[] = [];
    const s = new LocalTaskScheduler();
    const res = await s.runTasks([0, 1, 2].map((p) => task(p, () => { order.push(p); return p * 10; })));
    expect(res).toEqual([0, 10, 20]);
    expect(order).toEqual([0, 1, 2]);
    expect(await s.runTasks([])).toEqual([]);
  });

  it('stops at the first failing task and rejects with its error', async () => {
    const ran: number[] = [];
    const boom = new Error('task 1');
    const s = new LocalTaskScheduler();
    await expect(s.runTasks([0, 1, 2].map((p) => task(p, () => { ran.push(p); if (p === 1) throw boom; return p; })))).rejects.toBe(boom);
    expect(ran).toEqual([0, 1]);
  });

  describe('yielding to the event loop', () => {
    /** A clock the test moves by hand (ms). */
    const fakeClock = () => {
      const c = { t: 0, now: () => c.t };
      return c;
    };
    /** Whether an immediate queued now has run (i.e. the event loop has turned since). */
    const loopTurn = () => {
      const seen = { turned: false };
      setImmediate(() => { seen.turned = true; });
      return seen;
    };

    it('yields between the tasks of a long job, once its tasks have run for the threshold', async () => {
      const clock = fakeClock();
      const s = new LocalTaskScheduler(clock.now, 4);
      const turn = loopTurn();
      const seenAtStart: boolean[] = [];
      // Each task takes 3 ms: after tasks 0 and 1 (6 ms) the scheduler yields before task 2.
      const res = await s.runTasks([0, 1, 2, 3].map((p) => task(p, () => { seenAtStart.push(turn.turned); clock.t += 3; return p; })));
      expect(res).toEqual([0, 1, 2, 3]);
      expect(seenAtStart).toEqual([false, false, true, true]);
    });

    it('counts only the tasks\' own time: time spent outside them makes no task yield', async () => {
      const clock = fakeClock();
      const s = new LocalTaskScheduler(clock.now, 4);
      // Time passes outside the tasks (the program between batches, another process on the core),
      // on the scheduler's clock and on the real one, while no task runs.
      clock.t += 1000;
      const until = performance.now() + 10;
      while (performance.now() < until) { /* 10 ms outside any task */ }
      const turn = loopTurn();
      const seenAtStart: boolean[] = [];
      for (let job = 0; job < 3; job++) {
        await s.runTasks([0, 1].map((p) => task(p, () => { seenAtStart.push(turn.turned); clock.t += 0.5; return p; })));
      }
      // 3 ms of tasks in all: below the threshold, so the loop never turned.
      expect(seenAtStart).toEqual([false, false, false, false, false, false]);
      expect(turn.turned).toBe(false);
    });

    it('counts the time of a task that failed', async () => {
      const clock = fakeClock();
      const s = new LocalTaskScheduler(clock.now, 4);
      const boom = new Error('slow failure');
      await expect(s.runTasks([task(0, () => { clock.t += 5; throw boom; })])).rejects.toBe(boom);
      const turn = loopTurn();
      const seenAtStart: boolean[] = [];
      await s.runTasks([task(0, () => { seenAtStart.push(turn.turned); return 0; })]);
      expect(seenAtStart).toEqual([true]);
    });
  });
});
