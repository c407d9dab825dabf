import { describe, expect, it } from 'vitest';
import { useSparkContext } from './helpers.ts';

// Spark's PipedRDDSuite: the answers come from the programs (cat, wc, printenv, sh).
describe('RDD.pipe', () => {
  const ctx = useSparkContext();

  it('basic pipe: each element a line in, each output line an element out, partition by partition', async () => {
    const nums = ctx.sc.parallelize([1, 2, 3, 4], 2);
    expect(await nums.pipe(['cat']).collect()).toEqual(['1', '2', '3', '4']);
    expect(await nums.pipe('cat').glom().collect()).toEqual([['1', '2'], ['3', '4']]);
    // The program runs once per partition, an empty one too: wc -l counts each partition's lines.
    const counts = await ctx.sc.parallelize([1, 2, 3], 4).pipe('wc -l').collect();
    expect(counts.map((c) => Number(c.trim()))).toEqual([0, 1, 1, 1]);
    // Elements are written as Spark prints them.
    expect(await ctx.sc.parallelize([['a', 1]] as [string, number][], 1).pipe('cat').collect()).toEqual(['(a,1)']);
  });

  it('pipe with env: the variables reach the program', async () => {
    const piped = ctx.sc.parallelize([1, 2, 3, 4], 2).pipe(['printenv', 'MY_TEST_ENV'], { MY_TEST_ENV: 'LALALA' });
    expect(await piped.collect()).toEqual(['LALALA', 'LALALA']);
  });

  it('a non-zero exit status or a missing program fails the job, naming the command', async () => {
    const nums = ctx.sc.parallelize([1, 2, 3, 4], 2);
    await expect(nums.pipe(['sh', '-c', 'exit 1']).collect()).rejects.toThrow(/Subprocess exited with status 1\. Command ran: sh -c exit 1/);
    await expect(nums.pipe('/nonexistent/program').collect()).rejects.toThrow(/Cannot run program "\/nonexistent\/program"/);
  });
});
