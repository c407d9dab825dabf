import { describe, expect, it } from 'vitest';
import { reduceWindowPartition } from '../dstream/reduce-window-partition.ts';
import { advanceGroupWindow, type GroupWindowEntry } from './group-window-state.ts';

/** A small deterministic generator (reproducible batches). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;

/** Per-batch `reduceByKey(add)` of random keyed counts. */
function batches(n: number, seed: number): [string, number][][] {
  const r = lcg(seed);
  const out: [string, number][][] = [];
  for (let b = 0; b < n; b++) {
    const m = new Map<string, number>();
    const size = Math.floor(r() * 6);
    for (let i = 0; i < size; i++) {
      const k = `k${Math.floor(r() * 5)}`;
      m.set(k, (m.get(k) ?? 0) + 1 + Math.floor(r() * 3));
    }
    out.push([...m]);
  }
  return out;
}

function windowOf(state: readonly (readonly [string, GroupWindowEntry<number>])[]): [string, number][] {
  return state.filter((e) => e[1][0]).map((e) => [e[0], e[1][1]] as [string, number]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function sortPairs(p: [string, number][]): [string, number][] { return p.slice().sort((a, b) => (a[0] < b[0] ? -1 : 1)); }

describe('advanceGroupWindow (an inverse window kept as state in group mode)', () => {
  it('gives, batch after batch, the counts of the batches inside the window, worked out directly', () => {
    const input = batches(30, 11);
    const W = 4;
    let state: [string, GroupWindowEntry<number>][] = [];
    for (let b = 0; b < input.length; b++) {
      state = advanceGroupWindow(state, input[b]!, (b + 1) * 100, W * 100, add, sub, (kv) => kv[1] !== 0);
      const want = new Map<string, number>();
      for (let j = Math.max(0, b - W + 1); j <= b; j++) for (const [k, v] of input[j]!) want.set(k, (want.get(k) ?? 0) + v);
      expect(windowOf(state), `batch ${b}`).toEqual(sortPairs([...want]));
      // Each key keeps only the slices inside the window.
      for (const [, [, , slices]] of state) for (const [t] of slices) expect(t).toBeGreaterThan((b + 1 - W) * 100);
    }
  });

  it('equals the single-instance merge (reduceWindowPartition) with no filter, a zero filter and a filter dropping keys inside the window', () => {
    const filters: (((kv: [string, number]) => boolean) | undefined)[] = [undefined, (kv) => kv[1] !== 0, (kv) => kv[1] % 3 !== 2];
    for (const filter of filters) {
      const input = batches(40, 5);
      const W = 3;
      let state: [string, GroupWindowEntry<number>][] = [];
      let local: [string, number][] = [];
      for (let b = 0; b < input.length; b++) {
        state = advanceGroupWindow(state, input[b]!, (b + 1) * 100, W * 100, add, sub, filter);
        const left = b - W >= 0 ? [input[b - W]!] : [];
        local = reduceWindowPartition(local, left, [input[b]!], add, sub, filter);
        expect(windowOf(state), `batch ${b}`).toEqual(sortPairs(local));
      }
    }
  });

  it('restored from its committed JSON by a new owner, goes on exactly as the instance that kept it', () => {
    const input = batches(24, 3);
    const W = 5;
    let kept: [string, GroupWindowEntry<number>][] = [];
    let moved: [string, GroupWindowEntry<number>][] = [];
    for (let b = 0; b < input.length; b++) {
      kept = advanceGroupWindow(kept, input[b]!, (b + 1) * 100, W * 100, add, sub, (kv) => kv[1] !== 0);
      // Every 7th batch the partition changes owner: the state goes through the store as JSON pairs.
      const restored = b % 7 === 6 ? moved.map(([k, v]) => [JSON.parse(JSON.stringify(k)), JSON.parse(JSON.stringify(v))] as [string, GroupWindowEntry<number>]) : moved;
      moved = advanceGroupWindow(restored, input[b]!, (b + 1) * 100, W * 100, add, sub, (kv) => kv[1] !== 0);
      expect(windowOf(moved)).toEqual(windowOf(kept));
    }
  });

  it('counts a window by the partition\'s batch times: after a gap (batches a failed owner never ran) the batches older than the window leave together', () => {
    const W = 300;
    let s = advanceGroupWindow<string, number>([], [['a', 1], ['b', 2]], 100, W, add, sub, (kv) => kv[1] !== 0);
    s = advanceGroupWindow(s, [['a', 4]], 200, W, add, sub, (kv) => kv[1] !== 0);
    expect(windowOf(s)).toEqual([['a', 5], ['b', 2]]);
    // Batches 300 and 400 never ran for this partition; at 500 the window is (200, 500].
    s = advanceGroupWindow(s, [['c', 1]], 500, W, add, sub, (kv) => kv[1] !== 0);
    expect(windowOf(s)).toEqual([['c', 1]]);
    expect(s.map((e) => e[0]).sort(), 'keys with no result and no slice are forgotten').toEqual(['c']);
  });

  it('sliding slower than the batches: at every slide time equals the single-instance merge from the previous slide time\'s window, whatever the filter, through moves to a new owner', () => {
    const filters: (((kv: [string, number]) => boolean) | undefined)[] = [undefined, (kv) => kv[1] !== 0, (kv) => kv[1] % 3 !== 2, (kv) => kv[1] >= 3];
    for (const [W, K] of [[4, 2], [6, 3], [3, 3], [2, 3]] as const) {
      for (const filter of filters) {
        const input = batches(40, 17 + W * 10 + K);
        let state: [string, GroupWindowEntry<number>][] = [];
        let local: [string, number][] = [];
        let emitted = 0;
        for (let b = 0; b < input.length; b++) {
          const t = (b + 1) * 100;
          const onSlide = (b + 1) % K === 0;
          // Every 5th batch the state goes through the store as JSON (a new owner restores it).
          if (b % 5 === 4) state = JSON.parse(JSON.stringify(state)) as [string, GroupWindowEntry<number>][];
          state = advanceGroupWindow(state, input[b]!, t, W * 100, add, sub, filter, onSlide);
          if (!onSlide) continue;
          emitted++;
          // The single instance at slide time t: the previous window (t - K - W, t - K], minus its batches out of (t - W, t], plus the batches of (t - W, t] not in it.
          const left: [string, number][][] = [];
          for (let j = b - K - W + 1; j <= Math.min(b - W, b - K); j++) if (j >= 0) left.push(input[j]!);
          const entered: [string, number][][] = [];
          for (let j = Math.max(b - K, b - W, -1) + 1; j <= b; j++) entered.push(input[j]!);
          local = reduceWindowPartition(local, left, entered, add, sub, filter);
          expect(windowOf(state), `window ${W}, slide ${K}, batch ${b}, filter ${String(filter)}`).toEqual(sortPairs(local));
          // Nothing waits once the window has slid, and every slice is inside it.
          for (const [, e] of state) {
            expect(e.length, 'no pending reduction after a slide time').toBe(3);
            for (const [st] of e[2]) expect(st).toBeGreaterThan(t - W * 100);
          }
        }
        expect(emitted).toBe(Math.floor(40 / K));
      }
    }
  });

  it('sliding slower than the batches: between slide times the result stays that of the last slide time, and the window at a slide time holds exactly the batches inside it', () => {
    const W = 400;
    const nz = (kv: [string, number]): boolean => kv[1] !== 0;
    // Slide every 200: batches 100 (off), 200 (on), 300 (off), 400 (on), 500 (off), 600 (on).
    let s = advanceGroupWindow<string, number>([], [['a', 1]], 100, W, add, sub, nz, false);
    expect(windowOf(s), 'nothing emitted before the first slide time').toEqual([]);
    s = advanceGroupWindow(s, [['a', 2], ['b', 5]], 200, W, add, sub, nz, true);
    expect(windowOf(s)).toEqual([['a', 3], ['b', 5]]);
    s = advanceGroupWindow(s, [['b', 1]], 300, W, add, sub, nz, false);
    expect(windowOf(s), 'unchanged off the slide').toEqual([['a', 3], ['b', 5]]);
    s = advanceGroupWindow(s, [['c', 7]], 400, W, add, sub, nz, true);
    expect(windowOf(s)).toEqual([['a', 3], ['b', 6], ['c', 7]]);
    // At 600 the window is (200, 600]: 100 and 200 leave.
    s = advanceGroupWindow(s, [], 500, W, add, sub, nz, false);
    s = advanceGroupWindow(s, [['a', 1]], 600, W, add, sub, nz, true);
    expect(windowOf(s)).toEqual([['a', 1], ['b', 1], ['c', 7]]);
    // A slide time the partition never ran (800: nobody had a batch): at 1000 the window is (600, 1000], and 700's reduction, pending, is in it.
    s = advanceGroupWindow(s, [['d', 2]], 700, W, add, sub, nz, false);
    s = advanceGroupWindow(s, [['d', 3]], 1000, W, add, sub, nz, true);
    expect(windowOf(s)).toEqual([['d', 5]]);
    // A pending reduction older than the next window is dropped, never added.
    s = advanceGroupWindow(s, [['e', 9]], 1100, W, add, sub, nz, false);
    s = advanceGroupWindow(s, [['f', 1]], 1600, W, add, sub, nz, true);
    expect(windowOf(s)).toEqual([['f', 1]]);
    expect(s.map((e) => e[0]).sort(), 'keys with no result, no slice and nothing pending are forgotten').toEqual(['f']);
  });
});
