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
});
