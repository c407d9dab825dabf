import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConf, SparkContext } from '@kindling/core';
import { topWords } from '../src/word-count.ts';

describe('word count', () => {
  let dir: string;
  let sc: SparkContext;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wordcount-'));
    await writeFile(join(dir, 'one.txt'), 'The cat sat.\nThe cat ran!\n');
    await writeFile(join(dir, 'two.txt'), 'A dog, the dog; THE end\n');
    await writeFile(join(dir, 'skip.md'), 'the the the the\n');
    sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('wordcount-test'));
  });
  afterAll(async () => {
    sc.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts lower-cased words across the files a glob matches', async () => {
    // the: 2 + 2 = 4; cat 2; dog 2; then a, end, ran, sat once each (alphabetical)
    expect(await topWords(sc, join(dir, '*.txt'), 10)).toEqual([
      ['the', 4], ['cat', 2], ['dog', 2], ['a', 1], ['end', 1], ['ran', 1], ['sat', 1],
    ]);
  });

  it('keeps only the n most frequent', async () => {
    expect(await topWords(sc, join(dir, 'one.txt'), 2)).toEqual([['cat', 2], ['the', 2]]);
  });
});
