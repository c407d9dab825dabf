// sc.textFile's partitions of one file, against Hadoop's FileInputFormat + LineRecordReader
// (what Spark's textFile reads): byte splits of floor(total / minPartitions) bytes, the last
// up to 10% larger, each holding the lines that start in it.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useSparkContext, useTempDir } from './helpers.ts';

describe('textFile splits a file by bytes, as Hadoop does', () => {
  const ctx = useSparkContext();
  const tmp = useTempDir();

  function file(name: string, content: string): string {
    const p = join(tmp.dir, name);
    writeFileSync(p, content);
    return p;
  }

  it('cuts splits of floor(size / minPartitions) bytes: 10 bytes in 4 give 5 splits', async () => {
    // Hadoop: goal 2 bytes; 10/2, 8/2, 6/2, 4/2 > 1.1 cut four splits, the last 2 bytes one more.
    // A line starting exactly at a split's end belongs to that split (the reader goes on while
    // its position is <= end), so the first split holds two lines and the last none.
    const rdd = ctx.sc.textFile(file('five.txt', '0\n1\n2\n3\n4\n'), 4);
    expect(rdd.getNumPartitions()).toBe(5);
    expect(await rdd.glom().collect()).toEqual([['0', '1'], ['2'], ['3'], ['4'], []]);
  });

  it('gives each line to the split it starts in, not an equal count of lines to each', async () => {
    // 107 bytes: a 100-character line, then b, c, d. Splits [0, 53) and [53, 107): only the
    // long line starts in the first.
    const rdd = ctx.sc.textFile(file('long-first.txt', `${'a'.repeat(100)}\nb\nc\nd\n`), 2);
    expect(await rdd.glom().collect()).toEqual([['a'.repeat(100)], ['b', 'c', 'd']]);
    // Three splits of 35 bytes (the last 37): the long line covers the second, which is empty.
    expect(await ctx.sc.textFile(join(tmp.dir, 'long-first.txt'), 3).glom().collect()).toEqual([['a'.repeat(100)], [], ['b', 'c', 'd']]);
  });

  it('keeps every line once, in order, for each split count, with CRLF, empty lines and multi-byte text', async () => {
    const lines = ['é€🔥', '', 'x', '🔥🔥', '', 'last'];
    const p = file('mixed.txt', `${lines[0]}\r\n\n${lines[2]}\r${lines[3]}\n\r\n${lines[5]}`);
    for (let n = 1; n <= 30; n++) {
      const parts = await ctx.sc.textFile(p, n).glom().collect();
      expect(parts.flat(), `${n} splits`).toEqual(lines);
    }
  });

  it('a file of fewer bytes than minPartitions: one-byte splits, lines kept once', async () => {
    const rdd = ctx.sc.textFile(file('tiny.txt', 'a\nb'), 8);
    expect(rdd.getNumPartitions()).toBe(3);
    expect(await rdd.glom().collect()).toEqual([['a'], ['b'], []]);
  });
});
