// The input the SIGKILL recovery suites feed their pipelines: text files of seeded words, known
// to the test so that it can work out every folder's answer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './child-process.ts';

const WORDS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi'];

/**
 * Writes `input-0001.txt` ... up to `batches` into `dir`, each of `linesPerFile` lines of 4 words
 * drawn from `seed`; some files lack some words, so windows see keys come and go. Returns the
 * words of each file by its 1-based number.
 */
export function writeWordFeed(dir: string, seed: number, batches: number, linesPerFile: number): string[][] {
  const rnd = seededRandom(seed);
  const fileWords: string[][] = [];
  for (let k = 1; k <= batches; k++) {
    const lines: string[] = [];
    const words: string[] = [];
    const vocabulary = WORDS.slice(0, 3 + (k % 6));
    for (let l = 0; l < linesPerFile; l++) {
      const line: string[] = [];
      for (let w = 0; w < 4; w++) line.push(vocabulary[Math.floor(rnd() * vocabulary.length)]!);
      words.push(...line);
      lines.push(line.join(' '));
    }
    fileWords[k] = words;
    writeFileSync(join(dir, `input-${String(k).padStart(4, '0')}.txt`), `${lines.join('\n')}\n`);
  }
  return fileWords;
}

/** How often each word occurs in the given files (numbers as `writeWordFeed` returns them). */
export function countFileWords(fileWords: readonly string[][], files: readonly number[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of files) for (const w of fileWords[k]!) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}
