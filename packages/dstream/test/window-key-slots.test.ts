// An incremental window (reduceByKeyAndWindow with an inverse function) finds the keys of each
// entered batch in its key index by their slots in the map side's key index, handed on through
// the shuffle and the reduce side's Spark order, instead of hashing each key into its own map
// every batch. Counted, not timed: lookups in the window's key map per batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyMap, SparkConf, Seconds, type ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { WindowKeyIndex } from '../src/dstream/window-key-index.ts';

const BATCHES = 12;
const WORDS = Array.from({ length: 60 }, (_, i) => `w${i}`);

/** Batch `b` (1-based): word i said i % 5 + 1 times, and word `b` once more. */
function lines(b: number): string[] {
  return WORDS.map((w, i) => `${Array.from({ length: (i % 5) + 1 }, () => w).join(' ')}${i === b ? ` ${w}` : ''}`);
}

describe('an incremental window over a stable vocabulary', () => {
  let ssc: StreamingContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ssc?.stop();
    ssc = undefined;
    vi.restoreAllMocks();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('looks up no entered key in its key map once the words are in the window, with the counts right', async () => {
    dir = mkdtempSync(join(tmpdir(), 'window-key-slots-'));
    ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('window-key-slots').set('spark.streaming.clock', 'manual'), Seconds(1));
    ssc.checkpoint(dir);
    const queue: string[][] = [];
    for (let b = 1; b <= BATCHES; b++) queue.push(lines(b));
    const windowed = ssc.queueStream(queue)
      .flatMap((l) => l.split(' '))
      .map((w) => [w, 1] as [string, number])
      .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(3), Seconds(1), undefined, (kv) => kv[1] !== 0);
    const windows: Map<string, number>[] = [];
    windowed.foreachRDD(async (rdd) => { windows.push(new Map(await rdd.collect())); });
    const slotted = vi.spyOn(WindowKeyIndex.prototype, 'slotIdsFor');
    const gets = vi.spyOn(KeyMap.prototype, 'get');
    await ssc.start();
    const clock = ssc.clock as ManualClock;
    const lookups: number[] = [];
    for (let b = 1; b <= BATCHES; b++) {
      gets.mockClear();
      await clock.advance(1000);
      // Lookups in the key maps of the window's key indexes (its only one, here).
      const maps = new Set(slotted.mock.contexts.map((ix) => (ix as WindowKeyIndex<string>).idOf));
      lookups.push(gets.mock.contexts.filter((m) => maps.has(m as KeyMap<string, number>)).length);
    }
    // Each window holds batches b-2..b: word i (i % 5 + 1) times a batch, plus once in each batch whose number is i.
    for (let b = 1; b <= BATCHES; b++) {
      const want = new Map<string, number>();
      WORDS.forEach((w, i) => {
        const inside = Math.min(b, 3);
        want.set(w, inside * ((i % 5) + 1) + (i >= Math.max(1, b - 2) && i <= b ? 1 : 0));
      });
      expect(windows[b - 1], `window at batch ${b}`).toEqual(want);
    }
    // Every batch's merge had the slots; the first one looks each word up (the window is
    // empty), the later ones none (before: all 60, every batch).
    expect(slotted).toHaveBeenCalledTimes(BATCHES);
    expect(lookups).toEqual([WORDS.length, ...Array.from({ length: BATCHES - 1 }, () => 0)]);
  });
});
