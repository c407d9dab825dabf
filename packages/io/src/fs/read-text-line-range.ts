import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { splitLines } from './split-lines.ts';

const withBOMStripped = new TextDecoder('utf-8', { fatal: false });
const keepingBOM = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const PROBE = 64 * 1024;

/**
 * The offset just past the first line terminator at or after `pos` (a `\r\n` counts whole,
 * even when `pos` points at its `\n`), or `size` when there is none. Terminator bytes never
 * occur inside a UTF-8 multi-byte sequence, so scanning bytes is safe.
 */
function afterTerminator(fd: number, pos: number, size: number): number {
  const buf = Buffer.allocUnsafe(PROBE);
  let at = pos;
  while (at < size) {
    const n = readSync(fd, buf, 0, Math.min(PROBE, size - at), at);
    if (n <= 0) break;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c === 10) return at + i + 1;
      if (c === 13) {
        const next = at + i + 1;
        if (next >= size) return next;
        const one = Buffer.allocUnsafe(1);
        readSync(fd, one, 0, 1, next);
        return one[0] === 10 ? next + 1 : next;
      }
    }
    at += n;
  }
  return size;
}

/**
 * The lines of one byte range `[start, end)` of a text file, by Hadoop's `LineRecordReader`
 * rule, so a big file can be read as several partitions with no line lost or read twice:
 * a range owns the lines that *start* in `(start, end]`, plus the line at offset 0 for the
 * range starting at 0. Concretely, a range that does not start at 0 skips up to its first
 * line terminator, and every range reads past `end` to finish its last line.
 *
 * Decoding and line rules are those of {@link readTextLinesSync}. Ranges beyond the file's
 * size give no lines.
 *
 * @throws the `fs` error when the file cannot be read.
 */
export function readTextLineRangeSync(path: string, start: number, end: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (start >= size || end <= start) return [];
    const from = start === 0 ? 0 : afterTerminator(fd, start, size);
    const to = end >= size ? size : afterTerminator(fd, end, size);
    if (from >= to) return [];
    const bytes = Buffer.allocUnsafe(to - from);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, from + got);
      if (n <= 0) break;
      got += n;
    }
    const decoder = from === 0 ? withBOMStripped : keepingBOM;
    return splitLines(decoder.decode(bytes.subarray(0, got)));
  } finally {
    closeSync(fd);
  }
}
