import { readFileSync } from 'node:fs';
import { splitLines } from './split-lines.ts';

/**
 * Reads a whole text file as lines, as Spark's `textFile` does.
 *
 * - UTF-8; invalid byte sequences become U+FFFD (never an exception); a leading byte-order
 *   mark is dropped, as Hadoop's `LineRecordReader` does.
 * - Lines end at `\n`, `\r\n` or a lone `\r`; a final line without a terminator is still a
 *   line, a trailing terminator does not add an empty line, and an empty file has no lines.
 *
 * Throws the `fs` error (with its `code` and `path`) when the file cannot be read, e.g.
 * `ENOENT` when it vanished or `EISDIR` for a directory.
 */
export function readTextLinesSync(path: string): string[] {
  const bytes = readFileSync(path);
  if (bytes.length === 0) return [];
  // Buffer's UTF-8 decoding replaces invalid sequences with U+FFFD, as the WHATWG decoder does.
  const text = bytes.toString('utf8');
  return splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
