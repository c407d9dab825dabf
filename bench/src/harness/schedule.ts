import { roundOrder } from './round-order.ts';

/**
 * How the timed runs of a workload's systems are laid out in time:
 * - `interleaved` (the default): every system's process is started and warmed up in turn and
 *   kept alive; the timed runs then go in rounds, one run of each system per round, one
 *   process computing at a time, in the order of {@link roundOrder}. Run `i` of every system
 *   sees about the same load, so ratios are taken per round (see `paired-ratio.ts`);
 * - `sequential` (stop 19's way): one process after another, each warming up and then timing
 *   all its runs back to back; ratios come from each system's median run.
 */
export type Schedule = 'interleaved' | 'sequential';

export const SCHEDULES: readonly Schedule[] = ['interleaved', 'sequential'];

/** One system of a workload under measurement, as the schedule drives it. */
export interface MeasuredSystem {
  /** Starts it and warms it up; false when it failed (it then takes no timed run). */
  warm(): Promise<boolean>;
  /** One timed run; false when it failed (it takes no further run). */
  timedRun(): Promise<boolean>;
  /** After its last timed run (or its failure): measures what remains (peak heap) and ends it. */
  finish(): Promise<void>;
}

/**
 * Runs `runs` timed runs of each system under `schedule`, one system computing at a time. A
 * system that fails drops out; the others go on. `onRound(i, order)` is told after each
 * interleaved round the order it ran in (indexes into `systems`).
 */
export async function runSchedule(systems: readonly MeasuredSystem[], runs: number, schedule: Schedule, onRound?: (round: number, order: number[]) => void): Promise<void> {
  if (schedule === 'sequential') {
    for (const system of systems) {
      if (await system.warm()) {
        for (let i = 0; i < runs; i++) if (!(await system.timedRun())) break;
      }
      await system.finish();
    }
    return;
  }
  const live: boolean[] = [];
  for (const system of systems) live.push(await system.warm());
  for (let round = 0; round < runs; round++) {
    const order = roundOrder(systems.length, round);
    for (const s of order) if (live[s]) live[s] = await systems[s]!.timedRun();
    onRound?.(round, order);
  }
  for (const system of systems) await system.finish();
}
