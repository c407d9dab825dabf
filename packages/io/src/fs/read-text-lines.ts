import { readFileSync } from 'node:fs';
import { splitLines } from './split-lines.ts';

/**
 * Bytes decoded into one string at a time. A JS string of more than V8's largest regular object
 * (128 KiB) is allocated in the large-object space, which belongs to the old generation: only a
 * full (mark-compact) collection frees it, so a batch's file read whole stayed in the heap as
 * old-generation garbage long after the batch. Slices of 32 KiB (at most 64 KiB of string, two
 * bytes a character) are young objects that a scavenge frees with the batch's lines. Slicing
 * also keeps every string under the JS limit (~512 M characters).
 */
const SLICE_BYTES = 32 * 1024;

/**
 * Decodes UTF-8 bytes into lines (see {@link readTextLinesSync}), `sliceBytes` at a time, each
 * slice ending just after a `\n` byte (see {@link decodeLineRange}). A leading byte-order mark
 * is dropped.
 *
 * @internal exported for tests.
 */
export function decodeLines(bytes: Buffer, sliceBytes = SLICE_BYTES): string[] {
  const bomLength = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return decodeLineRange(bytes, bomLength, bytes.length, sliceBytes);
}

/**
 * The lines of UTF-8 bytes `bytes[from, to)`, decoded `sliceBytes` at a time (default: small
 * enough that every string made is a young object, see `SLICE_BYTES`), each slice ending just
 * after a `\n` byte. `\n` never occurs inside a multi-byte UTF-8 sequence, and a slice ending
 * in `\n` ends a CRLF too, so cutting there is exact. A line longer than a slice makes its
 * slice longer. Buffer's UTF-8 decoding replaces invalid sequences with U+FFFD, as the WHATWG
 * decoder does. Line rules are {@link splitLines}'.
 *
 * @internal
 */
export function decodeLineRange(bytes: Buffer, from: number, to: number, sliceBytes = SLICE_BYTES): string[] {
  if (to <= from) return [];
  if (to - from <= sliceBytes) return splitLines(bytes.toString('utf8', from, to));
  const out: string[] = [];
  let start = from;
  while (start < to) {
    let end = Math.min(start + sliceBytes, to);
    if (end < to) {
      const nl = bytes.lastIndexOf(10, end - 1);
      // No \n in the slice: the line runs on; take up to the next \n (or the end).
      if (nl >= start) end = nl + 1;
      else {
        const next = bytes.indexOf(10, end);
        end = next === -1 || next >= to ? to : next + 1;
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
 * - Decoded in slices of 32 KiB ending at a line (see `decodeLineRange`): each string is a young
 *   object, and files larger than a JS string can hold still decode (each line must still fit).
 *
 * Throws the `fs` error (with its `code` and `path`) when the file cannot be read, e.g.
 * `ENOENT` when it vanished or `EISDIR` for a directory.
 */
export function readTextLinesSync(path: string): string[] {
  return decodeLines(readFileSync(path));
}
