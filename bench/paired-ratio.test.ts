import { describe, expect, it } from 'vitest';
import { pairedRatio, ratioOfMedians, speedRatio } from './src/harness/paired-ratio.ts';

describe('ratios of a system to the hand loop', () => {
  // A system that needs 1.25x the hand loop's time per record (true ratio 0.8), run in 5 rounds
  // whose load multiplies both runs of the round by 1, 3, 1.5, 2, 1.
  const load = [1, 3, 1.5, 2, 1];
  const hand = { records: 1000, ms: load.map((l) => 100 * l) };
  const system = { records: 1000, ms: load.map((l) => 125 * l) };

  it('paired per round, a load that moves between rounds cancels', () => {
    expect(pairedRatio(system, hand)).toBeCloseTo(0.8, 12);
    // With every load shared by both sides, the medians see the same loads too.
    expect(ratioOfMedians(system, hand)).toBeCloseTo(0.8, 12);
  });

  it('when the two saw the load at different times, only pairing recovers the ratio', () => {
    // Run one after the other, the hand loop's runs saw loads 1, 1, 1, 1.5, 1 and the
    // system's 3, 2, 3, 3, 2: medians 100 ms and 375 ms, ratio 0.267, though each is as fast as before.
    const handAlone = { records: 1000, ms: [100, 100, 100, 150, 100] };
    const systemLater = { records: 1000, ms: [375, 250, 375, 375, 250] };
    expect(ratioOfMedians(systemLater, handAlone)).toBeCloseTo(100 / 375, 12);
    // Interleaved, round i's runs share a load: a round's ratio is 0.8 whatever its load.
    const handIn = { records: 1000, ms: [100, 300, 150, 150, 100] };
    const systemIn = { records: 1000, ms: [125, 375, 187.5, 187.5, 125] };
    expect(pairedRatio(systemIn, handIn)).toBeCloseTo(0.8, 12);
  });

  it('the median leaves out rounds the load changed within', () => {
    // Round 2 (index 1): the load rose from 1 to 4 between the hand loop's run and the system's.
    const handIn = { records: 1000, ms: [100, 100, 100, 100, 100] };
    const systemIn = { records: 1000, ms: [125, 500, 125, 125, 125] };
    expect(pairedRatio(systemIn, handIn)).toBeCloseTo(0.8, 12);
    // Rounds' ratios 0.8, 0.2, 0.8, 0.8, 0.8: the mean would be 0.68.
  });

  it('counts records on both sides (Beam runs on a prefix of the input)', () => {
    // 100 records in 50 ms = 2 per ms against the hand loop's 1000 in 100 ms = 10 per ms: 0.2.
    expect(pairedRatio({ records: 100, ms: [50, 50, 50] }, { records: 1000, ms: [100, 100, 100] })).toBeCloseTo(0.2, 12);
  });

  it('pairs only the rounds both ran; NaN without a run', () => {
    expect(pairedRatio({ records: 10, ms: [20, 10, 40] }, { records: 10, ms: [10] })).toBeCloseTo(0.5, 12);
    expect(pairedRatio({ records: 10, ms: [] }, { records: 10, ms: [10] })).toBeNaN();
  });

  it('by wall or CPU time, paired or not', () => {
    const s = { records: 10, runsMs: [10, 40, 10], runsCpuMs: [20, 20, 5] };
    const h = { records: 10, runsMs: [5, 10, 20], runsCpuMs: [10, 10, 10] };
    // Wall, paired: 0.5, 0.25, 2 -> 0.5. Wall, medians: 10 and 10 -> 1.
    expect(speedRatio(s, h, true, 'wall')).toBeCloseTo(0.5, 12);
    expect(speedRatio(s, h, false, 'wall')).toBeCloseTo(1, 12);
    // CPU, paired: 0.5, 0.5, 2 -> 0.5. CPU, medians: 20 and 10 -> 0.5.
    expect(speedRatio(s, h, true, 'cpu')).toBeCloseTo(0.5, 12);
    expect(speedRatio(s, h, false, 'cpu')).toBeCloseTo(0.5, 12);
    expect(speedRatio({ records: 10, runsMs: [1] }, h, true, 'cpu')).toBeNaN();
  });
});
