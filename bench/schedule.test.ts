import { describe, expect, it } from 'vitest';
import { pairedRatio, ratioOfMedians } from './src/harness/paired-ratio.ts';
import { runSchedule } from './src/harness/schedule.ts';
import type { MeasuredSystem, Schedule } from './src/harness/schedule.ts';

/**
 * A machine whose load moves on a scale of seconds, on a simulated clock: a run that starts at
 * time t takes its system's quiet time times the load at t. The load steps every second through
 * the given factors (the last one holding after).
 */
class Machine {
  now = 0;
  computing = 0;
  mostAtOnce = 0;
  /** Every event, in order: `warm:<name>`, `run:<name>`, `finish:<name>`. */
  readonly events: string[] = [];
  constructor(private readonly loads: readonly number[]) {}
  load(): number {
    return this.loads[Math.min(this.loads.length - 1, Math.floor(this.now / 1000))]!;
  }
}

class FakeSystem implements MeasuredSystem {
  readonly runsMs: number[] = [];
  finished = false;
  constructor(readonly name: string, private readonly quietMs: number, private readonly machine: Machine, private readonly failAt = Number.POSITIVE_INFINITY) {}

  private async compute(ms: number): Promise<number> {
    const m = this.machine;
    m.computing++;
    m.mostAtOnce = Math.max(m.mostAtOnce, m.computing);
    const took = ms * m.load();
    // Yields as a real child's run does, so that an overlapping run would show in `mostAtOnce`.
    await new Promise((resolve) => setImmediate(resolve));
    m.now += took;
    m.computing--;
    return took;
  }

  async warm(): Promise<boolean> {
    this.machine.events.push(`warm:${this.name}`);
    await this.compute(10 * this.quietMs);
    return this.failAt > -1;
  }

  async timedRun(): Promise<boolean> {
    this.machine.events.push(`run:${this.name}`);
    if (this.runsMs.length >= this.failAt) return false;
    this.runsMs.push(await this.compute(this.quietMs));
    return true;
  }

  async finish(): Promise<void> {
    this.machine.events.push(`finish:${this.name}`);
    this.finished = true;
  }
}

const LOADS = [1, 3, 1.5, 4, 2, 3, 1, 2.5, 1.5, 3, 1, 2, 3, 1.5, 4, 2, 3];
const RECORDS = 1000;

async function measure(schedule: Schedule, failAt?: number): Promise<{ machine: Machine; systems: FakeSystem[] }> {
  const machine = new Machine(LOADS);
  // Quiet speeds: rxjs 1.25x the hand loop's, kindling 0.8x.
  const systems = [new FakeSystem('hand', 100, machine), new FakeSystem('rxjs', 80, machine), new FakeSystem('kindling', 125, machine, failAt)];
  await runSchedule(systems, 9, schedule);
  return { machine, systems };
}

/** How far `x` is from `truth`, as a factor (1: equal). */
const offBy = (x: number, truth: number): number => Math.max(x / truth, truth / x);
const ratio = (paired: boolean, s: FakeSystem, h: FakeSystem): number => (paired ? pairedRatio : ratioOfMedians)({ records: RECORDS, ms: s.runsMs }, { records: RECORDS, ms: h.runsMs });

describe('the schedule of the timed runs', () => {
  it('interleaved: a load that moves between rounds cancels in the paired ratio', async () => {
    const { machine, systems: [hand, rxjs, kindling] } = await measure('interleaved');
    expect(ratio(true, kindling!, hand!)).toBeCloseTo(0.8, 9);
    expect(ratio(true, rxjs!, hand!)).toBeCloseTo(1.25, 9);
    // The load stepped inside some rounds: their own ratios are off, and the median leaves them out.
    const rounds = kindling!.runsMs.map((ms, i) => hand!.runsMs[i]! / ms);
    expect(rounds.filter((r) => Math.abs(r - 0.8) > 0.01).length).toBeGreaterThan(0);
    expect(machine.mostAtOnce).toBe(1);
  });

  it("sequential: the ratio of medians carries the load's moves (stop 19's way)", async () => {
    const { machine, systems: [hand, rxjs, kindling] } = await measure('sequential');
    // Each system's runs fell in other seconds than the hand loop's, under other loads: their
    // ratios read 1.2x for kindling (0.8x quiet) and 0.94x for rxjs (1.25x), though neither
    // system's speed changed: 1.5x and 1.33x off.
    expect(offBy(ratio(false, kindling!, hand!), 0.8)).toBeGreaterThan(1.3);
    expect(offBy(ratio(false, rxjs!, hand!), 1.25)).toBeGreaterThan(1.3);
    expect(machine.mostAtOnce).toBe(1);
  });

  it('interleaved: everything warms up in turn, then one run of each per round, the order rotating, then every finish', async () => {
    const { machine } = await measure('interleaved');
    const e = machine.events;
    expect(e.slice(0, 3)).toEqual(['warm:hand', 'warm:rxjs', 'warm:kindling']);
    expect(e.slice(-3)).toEqual(['finish:hand', 'finish:rxjs', 'finish:kindling']);
    const runs = e.slice(3, -3).map((x) => x.slice(4));
    expect(runs).toHaveLength(27);
    const rounds = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((r) => runs.slice(3 * r, 3 * r + 3));
    for (const round of rounds) expect([...round].sort()).toEqual(['hand', 'kindling', 'rxjs']);
    // Not always the same order, and no system always right after the same other one.
    expect(new Set(rounds.map((r) => r.join())).size).toBeGreaterThan(3);
    const follows = (a: string, b: string): number => rounds.filter((r) => r.indexOf(b) === r.indexOf(a) + 1).length;
    for (const [a, b] of [['hand', 'rxjs'], ['rxjs', 'kindling'], ['kindling', 'hand']]) {
      expect(follows(a!, b!)).toBeGreaterThan(0);
      expect(follows(b!, a!)).toBeGreaterThan(0);
    }
  });

  it('sequential: each system warms up, runs and finishes before the next starts', async () => {
    const { machine } = await measure('sequential');
    const per = (name: string): string[] => [`warm:${name}`, ...Array<string>(9).fill(`run:${name}`), `finish:${name}`];
    expect(machine.events).toEqual([...per('hand'), ...per('rxjs'), ...per('kindling')]);
  });

  it('a system that fails a run takes no further run, the others keep their rounds, and every one is finished', async () => {
    for (const schedule of ['interleaved', 'sequential'] as const) {
      const { machine, systems } = await measure(schedule, 4);
      const [hand, rxjs, kindling] = systems;
      expect(kindling!.runsMs, schedule).toHaveLength(4);
      expect(machine.events.filter((x) => x === 'run:kindling'), schedule).toHaveLength(5);
      expect(hand!.runsMs, schedule).toHaveLength(9);
      expect(rxjs!.runsMs, schedule).toHaveLength(9);
      expect(systems.every((s) => s.finished), schedule).toBe(true);
    }
  });

  it('a system that fails its warm-up takes no timed run and is still finished', async () => {
    for (const schedule of ['interleaved', 'sequential'] as const) {
      const { machine, systems } = await measure(schedule, -1);
      expect(machine.events.filter((x) => x === 'run:kindling'), schedule).toHaveLength(0);
      expect(systems[0]!.runsMs, schedule).toHaveLength(9);
      expect(systems[2]!.finished, schedule).toBe(true);
    }
  });
});
