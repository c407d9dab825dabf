import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useSparkContext, useTempDir } from './helpers.ts';
import { setLogSink } from '../src/index.ts';

describe('textFile / saveAsTextFile / objectFile', () => {
  const ctx = useSparkContext();
  const tmp = useTempDir();

  it('saveAsTextFile writes part files and _SUCCESS, one element a line, formatted like Scala', async () => {
    const out = join(tmp.dir, 'out');
    await ctx.sc.parallelize<[string, number[]]>([['a', [1, 2]], ['b', []]], 2).saveAsTextFile(out);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001']);
    expect(readFileSync(join(out, 'part-00000'), 'utf8')).toBe('(a,(1,2))\n');
    expect(readFileSync(join(out, 'part-00001'), 'utf8')).toBe('(b,())\n');
    // a rerun replaces the folder
    await ctx.sc.parallelize(['x'], 1).saveAsTextFile(out);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000']);
    expect(readFileSync(join(out, 'part-00000'), 'utf8')).toBe('x\n');
  });

  it("round-trips through textFile('dir/out*') over several output folders", async () => {
    await ctx.sc.parallelize(['l1', 'l2', 'l3'], 2).saveAsTextFile(join(tmp.dir, 'output-1000'));
    await ctx.sc.parallelize(['l4'], 3).saveAsTextFile(join(tmp.dir, 'output-2000'));
    const back = ctx.sc.textFile(join(tmp.dir, 'output*'));
    expect((await back.collect()).sort()).toEqual(['l1', 'l2', 'l3', 'l4']);
    // a directory reads its part files in order
    expect(await ctx.sc.textFile(join(tmp.dir, 'output-1000')).collect()).toEqual(['l1', 'l2', 'l3']);
  });

  it('reads every visible file of a directory, part-* files or not, in name order (Spark lists it through Hadoop\'s FileInputFormat)', async () => {
    const out = join(tmp.dir, 'mixed');
    await ctx.sc.parallelize(['p0', 'p1'], 2).saveAsTextFile(out);
    // Files a user (or another tool) put beside the part files: Spark reads them too.
    writeFileSync(join(out, 'extra.txt'), 'e1\ne2\n');
    writeFileSync(join(out, 'zz-late'), 'z');
    writeFileSync(join(out, '_metadata'), 'hidden');
    writeFileSync(join(out, '.part-00000.crc'), 'hidden');
    mkdirSync(join(out, 'nested'));
    writeFileSync(join(out, 'nested', 'inner.txt'), 'not listed');
    const rdd = ctx.sc.textFile(out);
    expect(rdd.getNumPartitions()).toBe(4);
    expect(await rdd.collect()).toEqual(['e1', 'e2', 'p0', 'p1', 'z']);
  });

  it('reads plain files: one partition per file at least, lines with CRLF and no final newline', async () => {
    const d = join(tmp.dir, 'in');
    mkdirSync(d);
    writeFileSync(join(d, 'a.txt'), 'one\r\ntwo\nthree');
    writeFileSync(join(d, 'b.txt'), '');
    writeFileSync(join(d, '.hidden'), 'no');
    const rdd = ctx.sc.textFile(d, 1);
    expect(rdd.getNumPartitions()).toBe(2);
    expect(await rdd.collect()).toEqual(['one', 'two', 'three']);
    expect(await ctx.sc.textFile(join(d, 'a.txt')).collect()).toEqual(['one', 'two', 'three']);
  });

  it('splits a file into more partitions when minPartitions asks', async () => {
    const f = join(tmp.dir, 'big.txt');
    writeFileSync(f, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const rdd = ctx.sc.textFile(f, 4);
    expect(rdd.getNumPartitions()).toBeGreaterThanOrEqual(4);
    expect(await rdd.collect()).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
  });

  it('a missing plain path fails naming the path; a glob matching nothing is empty with a warning', async () => {
    const missing = join(tmp.dir, 'nope');
    await expect(ctx.sc.textFile(missing).count()).rejects.toThrow(missing);
    const warnings: string[] = [];
    const ignore = (): void => {};
    setLogSink({ error: ignore, warn: (m) => warnings.push(m), info: ignore, debug: ignore });
    try {
      expect(await ctx.sc.textFile(join(tmp.dir, 'nothing-*')).collect()).toEqual([]);
      expect(warnings).toEqual([expect.stringMatching(/^TextFileRDD: .*nothing-\*/)]);
    } finally {
      setLogSink(undefined);
    }
  });

  it('saveAsObjectFile round-trips JS values through objectFile', async () => {
    const values = [1, 'two', [3, 'x'], { a: 1, b: [true] }, new Map([['k', 1]]), new Set([1, 2]), new Date(1000), 10n, undefined, NaN, -0];
    const out = join(tmp.dir, 'obj');
    await ctx.sc.parallelize(values, 3).saveAsObjectFile(out);
    expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000', 'part-00001', 'part-00002']);
    const back = await ctx.sc.objectFile<unknown>(out).collect();
    expect(back).toEqual(values);
    expect(Object.is(back[10], -0)).toBe(true);
  });

  it('objectFile reads a glob of folders', async () => {
    await ctx.sc.parallelize([1, 2], 2).saveAsObjectFile(join(tmp.dir, 'objs-1'));
    await ctx.sc.parallelize([3], 1).saveAsObjectFile(join(tmp.dir, 'objs-2'));
    const rdd = ctx.sc.objectFile<number>(join(tmp.dir, 'objs-*'));
    expect(rdd.getNumPartitions()).toBe(3);
    expect((await rdd.collect()).sort()).toEqual([1, 2, 3]);
  });
});
