import { SeededRandom } from '@kindling/example-orders-dashboard/src/seeded-random.ts';

/** Length of every text record, as in the D-Streams paper's WordCount, Grep and TopKCount. */
export const RECORD_BYTES = 100;

/** Options for {@link generateTextRecords}. */
export interface TextRecordOptions {
  /** How many records. */
  count: number;
  /** PRNG seed: the same seed and options give the same records on every machine. */
  seed: number;
  /** Distinct words in the vocabulary (default 10,000). */
  vocabulary?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A vocabulary of `size` distinct lowercase words of 2..9 letters, in rank order (rank 0 is
 * the most frequent under {@link generateTextRecords}' Zipf draw).
 */
export function vocabulary(size: number, seed: number): string[] {
  const rnd = new SeededRandom(seed ^ 0x5eed);
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < size) {
    const len = rnd.int(2, 9);
    let w = '';
    for (let i = 0; i < len; i++) w += LETTERS[rnd.int(0, 25)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

/**
 * Cumulative Zipf (s = 1) weights over `n` ranks, for drawing a rank by binary search: word
 * frequencies in text follow it, which gives TopKCount a stable head and WordCount a long tail.
 */
function zipfCdf(n: number): Float64Array {
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let r = 0; r < n; r++) cdf[r] = acc += 1 / (r + 1);
  for (let r = 0; r < n; r++) cdf[r]! /= acc;
  return cdf;
}

function draw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `count` records of exactly {@link RECORD_BYTES} characters: whole words separated by single
 * spaces, Zipf-drawn while there is room for any word, and the last one or two drawn among the
 * words of the length that fills the record exactly (so every token is a vocabulary word).
 * Tokenise with {@link splitWords}.
 */
export function generateTextRecords(options: TextRecordOptions): string[] {
  const words = vocabulary(options.vocabulary ?? 10_000, options.seed);
  const cdf = zipfCdf(words.length);
  const byLength: string[][] = [];
  for (const w of words) (byLength[w.length] ??= []).push(w);
  const rnd = new SeededRandom(options.seed);
  // Frequent words of an exact length: the first few of that length in rank order.
  const ofLength = (n: number): string => {
    const list = byLength[n]!;
    return list[rnd.int(0, Math.min(list.length, 50) - 1)]!;
  };
  const out = new Array<string>(options.count);
  const parts: string[] = [];
  for (let i = 0; i < options.count; i++) {
    parts.length = 0;
    let len = 0;
    for (;;) {
      const room = RECORD_BYTES - len - (len > 0 ? 1 : 0);
      if (room <= 0) break;
      // Any word (2..9 letters) leaves room for at least a 2-letter one; 10 or 11 take a
      // 4-letter word first; 2..9 are filled exactly.
      const w = room >= 12 ? words[draw(cdf, rnd.next())]! : room >= 10 ? ofLength(4) : ofLength(room);
      parts.push(w);
      len += w.length + (len > 0 ? 1 : 0);
    }
    // Flat (not sliced or concatenated) strings, as a file reader would produce.
    out[i] = flat(parts.join(' '));
  }
  return out;
}

/** A flat copy of `s` (V8 keeps slices and joins as trees until flattened). */
function flat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** The one tokenizer every system uses: words are separated by single spaces. */
export function splitWords(line: string): string[] {
  return line.split(' ');
}

/** Cuts `records` into consecutive batches of `perBatch` (the last may be shorter). */
export function toBatches<T>(records: readonly T[], perBatch: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < records.length; i += perBatch) out.push(records.slice(i, i + perBatch));
  return out;
}
