import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RDDComputeError } from '../src/index.ts';
import { failure, useSparkContext, useTempDir } from './helpers.ts';

// An RDDComputeError ends by saying where its cause lies: a function passed to the RDD,
// unless the failure is the data's shape or the files the engine reads.

describe('where a failed task says its cause lies', () => {
  const ctx = useSparkContext('local[1]');
  const tmp = useTempDir();

  it('zip of partitions with different element counts blames the RDDs zipped, not a function', async () => {
    const e = await failure(ctx.sc.parallelize([1, 2, 3, 4, 5], 2).zip(ctx.sc.parallelize([1, 2, 3, 4, 5, 6], 2)).collect());
    expect(e).toBeInstanceOf(RDDComputeError);
    expect(e.message).toMatch(/same number of elements in each partition \(got 2 and 3\)\. The cause is the two RDDs zipped, not a function passed to them/);
    expect(e.message).not.toMatch(/came from a function passed/);
  });

  it('a damaged checkpoint part blames the checkpoint files, with one period between the sentences', async () => {
    ctx.sc.setCheckpointDir(tmp.dir);
    const rdd = ctx.sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 10);
    rdd.checkpoint();
    expect(await rdd.collect()).toEqual([10, 20, 30, 40]);
    // Spark's layout: <dir>/<uuid>/rdd-<id>/part-xxxxx.
    const part = (readdirSync(tmp.dir, { recursive: true }) as string[]).find((n) => /rdd-\d+\/part-00001$/.test(n))!;
    writeFileSync(join(tmp.dir, part), 'not what was written');
    const e = await failure(rdd.collect());
    expect(e).toBeInstanceOf(RDDComputeError);
    expect((e.cause as Error).name).toBe('CorruptCheckpointPartError');
    expect(e.message).toMatch(/part-00001 is damaged.*from a backup\. The cause is the checkpoint files, not a function passed to the RDD\.$/);
    expect(e.message).not.toMatch(/\.\./);
  });

  it('a throwing function is still named as the cause, its own period kept once', async () => {
    const e = await failure(ctx.sc.parallelize([1], 1).map(() => { throw new Error('bad record.'); }).collect());
    expect(e.message).toMatch(/: bad record\. The error came from a function passed to this RDD/);
  });
});
