/**
 * `pnpm wordcount [path-or-glob] [n]`: the n most frequent words of a set of text files, with
 * Kindling's RDDs. Without arguments it counts the sample texts in examples/word-count/data.
 */
import { fileURLToPath } from 'node:url';
import { SparkConf, SparkContext } from '@kindling/core';
import { topWords } from './word-count.ts';

const DEFAULT_INPUT = fileURLToPath(new URL('../data/*.txt', import.meta.url));

async function main(args: readonly string[]): Promise<void> {
  const path = args[0] ?? DEFAULT_INPUT;
  const n = args[1] !== undefined ? Number(args[1]) : 20;
  if (!Number.isInteger(n) || n < 1) throw new Error(`[n] must be a positive integer, got ${JSON.stringify(args[1])}. Usage: pnpm wordcount [path-or-glob] [n]`);
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('WordCount'));
  try {
    const top = await topWords(sc, path, n);
    const width = Math.max(4, ...top.map(([w]) => w.length));
    console.log(`Top ${top.length} words of ${path}:`);
    for (const [word, count] of top) console.log(`  ${word.padEnd(width)}  ${count}`);
  } finally {
    sc.stop();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`wordcount failed: ${(e as Error).message}`);
  process.exit(1);
});
