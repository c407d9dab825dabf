import { describe, expect, it } from 'vitest';
import { unwrittenCheckpoints } from '../src/checkpoint/unwritten-checkpoints.ts';
import { useSparkContext, useTempDir } from './helpers.ts';

// The after-job walk for marked RDDs runs only while some RDD waits for its checkpoint: the
// count it is skipped on must follow marking and writing exactly.
describe('RDDs waiting for their checkpoint', () => {
  const ctx = useSparkContext();
  const tmp = useTempDir();

  it('are counted from rdd.checkpoint() until the job after it writes them, once each', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    const before = unwrittenCheckpoints.count;
    const a = ctx.sc.parallelize([1, 2, 3, 4], 2).map((x) => x + 1);
    const b = a.map((x) => x * 10);
    a.checkpoint();
    a.checkpoint(); // marking twice is one mark
    b.checkpoint();
    expect(unwrittenCheckpoints.count).toBe(before + 2);
    // the job writes the nearest marked RDD only (b); a waits for a job that computes it
    expect(await b.collect()).toEqual([20, 30, 40, 50]);
    expect(b.isCheckpointed).toBe(true);
    expect(unwrittenCheckpoints.count).toBe(before + 1);
    expect(await a.collect()).toEqual([2, 3, 4, 5]);
    expect(a.isCheckpointed).toBe(true);
    expect(unwrittenCheckpoints.count).toBe(before);
    // with none waiting, a later mark is still written by the next job
    const c = b.filter((x) => x > 20);
    c.checkpoint();
    expect(await c.count()).toBe(3);
    expect(c.isCheckpointed).toBe(true);
    expect(unwrittenCheckpoints.count).toBe(before);
  });
});
