import { readFileSync } from 'node:fs';
import { splitLines } from './split-lines.ts';

/** Files bigger than this are decoded in slices: a JS string cannot exceed ~512 M characters. */
const SLICE_BYTES = 128 * 1024 * 1024;

/**
 * Decodes UTF-8 bytes into lines (see {@link readTextLinesSync}), `sliceBytes` at a time, each
 * slice ending just after a `\n` byte, so text larger than the biggest possible JS string
 * still decodes as long as each line fits. `\n` never occurs inside a multi-byte UTF-8
 * sequence, and a slice ending in `\n` ends a CRLF too, so cutting there is exact.
 *
 * @internal exported for tests.
 */
export function decodeLines(bytes: Buffer, sliceBytes = SLICE_BYTES): string[] {
  if (bytes.length === 0) return [];
  const bomLength = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (bytes.length <= sliceBytes) {
    // Buffer's UTF-8 decoding replaces invalid sequences with U+FFFD, as the WHATWG decoder does.
    return splitLines(bytes.toString('utf8', bomLength));
  }
  const out: string[] = [];
  let start = bomLength;
  while (start < bytes.length) {
    let end = Math.min(start + sliceBytes, bytes.length);
    if (end < bytes.length) {
      const nl = bytes.lastIndexOf(10, end - 1);
      // No \n in the slice: the line runs on; take up to the next \n (or the end).
      if (nl >= start) end = nl + 1;
      else {
        const next = bytes.indexOf(10, end);
        end = next === -1 ? bytes.length : next + 1;
      }
    }
    const lines = splitLines(bytes.toString('utf8', start, end));
    for (let i = 0; i < lines.length; i++) out.push(lines[i]!);
    start = end;
  }
  return out;
}

/**
 * Reads a whole text file as lines, as Spark's `textFile` does.
 *
 * - UTF-8; invalid byte sequences become U+FFFD (never an exception); a leading byte-order
 *   mark is dropped, as Hadoop's `LineRecordReader` does.
 * - Lines end at `\n`, `\r\n` or a lone `\r`; a final line without a terminator is still a
 *   line, a trailing terminator does not add an empty line, and an empty file has no lines.
 * - Files larger than a JS string can hold are decoded in slices (each line must still fit).
 *
 * Throws the `fs` error (with its `code` and `path`) when the file cannot be read, e.g.
 * `ENOENT` when it vanished or `EISDIR` for a directory.
 */
export function readTextLinesSync(path: string): string[] {
  return decodeLines(readFileSync(path));
}
