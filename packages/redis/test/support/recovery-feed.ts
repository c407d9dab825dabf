// The input of the Redis recovery harness, known to the child (which produces it) and to the
// test (which works out the expected outputs from it).
import { seededRandom } from '../../../dstream/test/support/child-process.ts';

export const PARTITIONS = 3;
const WORDS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi'];

/** The 12 lines of batch k (1-based): 4 words each, some words absent in some batches. */
export function batchLines(k: number): string[] {
  const rnd = seededRandom(1000 + k);
  const vocabulary = WORDS.slice(0, 3 + (k % 6));
  const lines: string[] = [];
  for (let l = 0; l < 12; l++) {
    const line: string[] = [];
    for (let w = 0; w < 4; w++) line.push(vocabulary[Math.floor(rnd() * vocabulary.length)]!);
    lines.push(line.join(' '));
  }
  return lines;
}
