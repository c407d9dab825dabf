import { readFileSync } from 'node:fs';
import { splitLines } from './split-lines.ts';

const LF = 10;
const CR = 13;

/**
 * The byte offset where each line of `bytes` starts (after a leading byte-order mark), by the
 * line rules of `readTextLinesSync`: lines end at `\n`, `\r\n` or a lone `\r`, and a
 * trailing terminator starts no line. Terminator bytes never occur inside a UTF-8 multi-byte
 * sequence, so scanning bytes finds the same lines as decoding first.
 */
function lineStarts(bytes: Buffer, from: number): number[] {
  const size = bytes.length;
  const starts: number[] = [];
  if (from >= size) return starts;
  starts.push(from);
  if (bytes.indexOf(CR, from) === -1) {
    // LF-only text, the common case: native search from terminator to terminator.
    let pos = from;
    for (;;) {
      const nl = bytes.indexOf(LF, pos);
      if (nl === -1 || nl + 1 >= size) break;
      pos = nl + 1;
      starts.push(pos);
    }
    return starts;
  }
  for (let i = from; i < size; i++) {
    const c = bytes[i]!;
    if (c === CR) {
      if (i + 1 < size && bytes[i + 1] === LF) i++;
    } else if (c !== LF) continue;
    if (i + 1 < size) starts.push(i + 1);
  }
  return starts;
}

/**
 * Lines `[floor(index * n / of), floor((index + 1) * n / of))` of `bytes` (`n` lines in all):
 * slice `index` of `of` equal slices by line count, exactly as slicing the result of
 * `readTextLinesSync`, but decoding only the slice's bytes.
 *
 * @internal exported for tests.
 */
export function decodeLineSlice(bytes: Buffer, index: number, of: number): string[] {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const starts = lineStarts(bytes, bom);
  const n = starts.length;
  const first = Math.floor((index * n) / of);
  const end = Math.floor(((index + 1) * n) / of);
  if (first >= end) return [];
  // The slice ends just after a terminator (or at the end), so it splits into exactly its lines.
  return splitLines(bytes.toString('utf8', starts[first]!, end < n ? starts[end]! : bytes.length));
}

/**
 * Slice `index` of `of` equal slices (by line count) of a text file's lines: what
 * `readTextLinesSync(path).slice(floor(index * n / of), floor((index + 1) * n / of))` gives,
 * for `n` lines, without decoding the other slices' bytes. A thread that owns one slice of a
 * file (the worker threads of `local[N]`) reads the bytes but decodes only its own lines.
 *
 * Throws the `fs` error (with its `code` and `path`) when the file cannot be read.
 */
export function readTextLineSliceSync(path: string, index: number, of: number): string[] {
  return decodeLineSlice(readFileSync(path), index, of);
}
