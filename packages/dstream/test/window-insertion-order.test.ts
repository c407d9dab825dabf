// The order a windowed reduction's keys come out in is Spark's: each batch's reduceByKey is
// read by Spark's reduce side with its map output sorted by hash code (its sort shuffle's
// comparator), inserted in that order into an AppendOnlyMap, and the window's cogroup (or,
// without an inverse function, the window's combine) inserts the batch's keys in that
// reduce-side order into a map of its own. Where keys collide in those tables, the insertion
// order decides who keeps the home slot, so both insertion orders show in the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf, Seconds, appendOnlyMapOrder, hashCode, type ManualClock } from '@kindling/core';
import { StreamingContext } from '../src/index.ts';
import { collidingWords } from '../../core/test/support/colliding-words.ts';

/**
 * Counts of `words` (one map partition) in the order a first window gives them, worked out
 * here: the batch's map output sorted by hash code, Spark's reduce-side order of it, and that
 * order inserted into the window's own map.
 */
function sparkFirstWindow(words: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const reduceSide = appendOnlyMapOrder([...counts].sort((a, b) => hashCode(a[0]) - hashCode(b[0])), (e) => e[0]);
  return appendOnlyMapOrder(reduceSide, (e) => e[0]);
}

describe("a windowed reduction's first window", () => {
  let ssc: StreamingContext | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ssc?.stop();
    ssc = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("comes out in Spark's order, with and without an inverse function, and counted by value", async () => {
    const { low, high } = collidingWords();
    const many = Array.from({ length: 6_000 }, (_, i) => `k${(i * 7919) % 2_503}`);
    const batches = [[high, low, high], [high, ...many, low]];
    for (const words of batches) {
      dir = mkdtempSync(join(tmpdir(), 'window-insertion-order-'));
      ssc = new StreamingContext(new SparkConf().setMaster('local[1]').setAppName('window-insertion-order').set('spark.streaming.clock', 'manual'), Seconds(1));
      ssc.checkpoint(dir);
      const stream = ssc.queueStream([words]);
      const pairs = stream.map((w) => [w, 1] as [string, number]);
      const got: Record<string, [string, number][]> = {};
      pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(1)).foreachRDD(async (rdd) => { got.inverse ??= await rdd.collect(); });
      pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(2), Seconds(1)).foreachRDD(async (rdd) => { got.plain ??= await rdd.collect(); });
      stream.countByValueAndWindow(Seconds(2), Seconds(1)).foreachRDD(async (rdd) => { got.byValue ??= await rdd.collect(); });
      await ssc.start();
      await (ssc.clock as ManualClock).advance(1000);
      const expected = sparkFirstWindow(words);
      if (words.length === 3) expect(expected).toEqual([[low, 1], [high, 2]]);
      expect(got.inverse).toEqual(expected);
      expect(got.plain).toEqual(expected);
      expect(got.byValue).toEqual(expected);
      await ssc.stop();
      ssc = undefined;
      rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    }
  });
});
