// The input of the repartition suites, known to the test (which works out the expected answers)
// and written by it before any instance starts: per partition of a 4-partition topic, a fixed
// list of lines, so that with maxRatePerPartition = RATE and 1 s batches batch k reads offsets
// [(k - 1) * RATE, k * RATE) of every partition, whichever instance reads it.
import { seededRandom } from '../../../dstream/test/support/child-process.ts';

export const GROUP_PARTITIONS = 4;
export const RATE = 6;
const WORDS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'kiwi', 'lemon', 'mango', 'nut'];

/** The lines of `partition` (batches × RATE of them): words from a vocabulary that changes per batch. */
export function partitionLines(partition: number, batches: number): string[] {
  const rnd = seededRandom(7000 + partition);
  const lines: string[] = [];
  for (let b = 1; b <= batches; b++) {
    const vocabulary = WORDS.slice(0, 3 + ((b + partition) % 8));
    for (let l = 0; l < RATE; l++) {
      const n = 1 + Math.floor(rnd() * 5);
      const line: string[] = [];
      for (let w = 0; w < n; w++) line.push(vocabulary[Math.floor(rnd() * vocabulary.length)]!);
      lines.push(line.join(' '));
    }
  }
  return lines;
}

/** The words batch k (1-based) reads, over every partition. */
export function batchWords(k: number, batches: number): string[] {
  const out: string[] = [];
  for (let p = 0; p < GROUP_PARTITIONS; p++) {
    for (const line of partitionLines(p, batches).slice((k - 1) * RATE, k * RATE)) out.push(...line.split(' '));
  }
  return out;
}
