import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSparkContext, useTempDir } from './helpers.ts';

// As Spark's WholeTextFileRecordReaderSuite: each file comes back whole, keyed by its path.
describe('sc.wholeTextFiles', () => {
  const ctx = useSparkContext();
  const tmp = useTempDir();

  it('reads every file of a directory whole, as [file:/path, content]', async () => {
    const dir = join(tmp.dir, 'input');
    mkdirSync(dir);
    const contents = new Map([
      ['part-00000', 'Spark is easy to use.\n'],
      ['part-00001', 'Spark is a fast\nand general engine.\n\n'],
      ['part-00002', ''],
      ['part-00003', 'no trailing newline'],
    ]);
    for (const [name, text] of contents) writeFileSync(join(dir, name), text);
    const rdd = ctx.sc.wholeTextFiles(dir, 3);
    const got = await rdd.collect();
    expect(got).toHaveLength(4);
    expect(rdd.getNumPartitions()).toBe(3);
    for (const [path, text] of got) {
      expect(path).toBe(`file:${resolve(dir, basename(path))}`);
      expect(text).toBe(contents.get(basename(path)));
    }
    expect(got.map(([p]) => basename(p))).toEqual([...contents.keys()]);
    expect(ctx.sc.wholeTextFiles(dir, 10).getNumPartitions()).toBe(4);
    expect(await ctx.sc.wholeTextFiles(join(dir, 'part-0000[12]')).count()).toBe(2);
  });

  it('reads every visible file of a directory, part-* or not, leaving out names starting with . or _ (Spark lists a directory so)', async () => {
    const dir = join(tmp.dir, 'mixed');
    mkdirSync(dir);
    const files: Record<string, string> = { 'part-00000': 'a\n', 'notes.txt': 'b', 'readme': 'c\n', '_SUCCESS': '', '.part-00000.crc': 'x' };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'inner.txt'), 'nested');
    const got = await ctx.sc.wholeTextFiles(dir, 2).collect();
    expect(got.map(([p, t]) => [basename(p), t])).toEqual([['notes.txt', 'b'], ['part-00000', 'a\n'], ['readme', 'c\n']]);
    // textFile lists the directory the same way (Hadoop's FileInputFormat serves both on Spark).
    expect(await ctx.sc.textFile(dir).collect()).toEqual(['b', 'a', 'c']);
  });
});
