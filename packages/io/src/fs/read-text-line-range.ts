import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeLineRange } from './read-text-lines.ts';

const LF = 10;
const CR = 13;
/** Bytes read past a range's end in the first read, to finish its last line without a second read. */
const TAIL = 16 * 1024;

/** Fills `buf[at..]` from the file at `pos` until full or end of file; returns the bytes now held. */
function fill(fd: number, buf: Buffer, at: number, pos: number): number {
  let got = at;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, pos + (got - at));
    if (n <= 0) break;
    got += n;
  }
  return got;
}

/**
 * The index just past the first line terminator at or after `i` in `buf[0, held)` (`\r\n`
 * counts whole, also when `i` is at its `\n`), or -1 when none is complete in the bytes held
 * (a `\r` as the last byte held may still be followed by `\n`). Terminator bytes never occur
 * inside a UTF-8 multi-byte sequence, so scanning bytes is safe.
 */
function afterTerminator(buf: Buffer, i: number, held: number): number {
  if (i >= held) return -1;
  const lf = buf.subarray(i, held).indexOf(LF);
  // A `\r` before the first `\n` ends the line first (a lone `\r`, or a `\r\n`).
  const cr = buf.subarray(i, lf === -1 ? held : i + lf).indexOf(CR);
  if (cr !== -1) {
    const at = i + cr;
    return at + 1 < held ? (buf[at + 1] === LF ? at + 2 : at + 1) : -1;
  }
  return lf === -1 ? -1 : i + lf + 1;
}

/**
 * The lines of one byte range `[start, end)` of a text file, by Hadoop's `LineRecordReader`
 * rule, so a big file can be read as several partitions with no line lost or read twice:
 * a range owns the lines that *start* in `(start, end]`, plus the line at offset 0 for the
 * range starting at 0. Concretely, a range that does not start at 0 skips up to its first
 * line terminator, and every range reads past `end` to finish its last line.
 *
 * Only the range's bytes and its last line's tail are read and decoded (one read, as a rule:
 * the range plus 16 KiB; more only for a last line longer than that), so the threads that
 * each own one range of a file (the workers of `local[N]`) read the file once between them.
 * Decoding and line rules are those of {@link readTextLinesSync}. Ranges beyond the file's
 * size give no lines; an `end` at or past the size reads to the end of the file.
 *
 * @throws the `fs` error when the file cannot be read.
 */
export function readTextLineRangeSync(path: string, start: number, end: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (start >= size || end <= start) return [];
    const stop = Math.min(end, size);
    let buf: Buffer = Buffer.allocUnsafe(Math.min(size, stop + TAIL) - start);
    let held = fill(fd, buf, 0, start);
    // Where this range's first line starts in `buf`: after the line that `start` is inside of.
    let from = 0;
    if (start > 0) {
      // The byte before `start` tells whether a line starts exactly at `start`; Hadoop's
      // reader skips that line all the same (the range before owns it), so skip one line.
      from = afterTerminator(buf, 0, held);
      while (from === -1 && held < size - start) {
        const scanned = Math.max(0, held - 1);
        ({ buf, held } = grow(fd, buf, held, start, size));
        from = afterTerminator(buf, scanned, held);
      }
      if (from === -1) return [];
    }
    // The first line owned starts after `end`: the range owns none.
    if (from > stop - start) return [];
    // The last line owned is the one holding the byte at `end` (it starts at or before
    // `end`): read to its terminator.
    let to = held;
    if (stop < size) {
      const probe = stop - start;
      to = afterTerminator(buf, probe, held);
      while (to === -1 && held < size - start) {
        const scanned = Math.max(probe, held - 1);
        ({ buf, held } = grow(fd, buf, held, start, size));
        to = afterTerminator(buf, scanned, held);
      }
      if (to === -1) to = held;
    }
    if (from >= to) return [];
    const bom = start === 0 && to >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    // Decoded as readTextLinesSync decodes (invalid sequences become U+FFFD), in young slices.
    return decodeLineRange(buf, Math.max(from, bom), to);
  } finally {
    closeSync(fd);
  }
}

/** A buffer twice as large (at most the rest of the file) holding `buf`'s bytes and the next ones read. */
function grow(fd: number, buf: Buffer, held: number, start: number, size: number): { buf: Buffer; held: number } {
  const next = Buffer.allocUnsafe(Math.min(size - start, Math.max(buf.length * 2, held + TAIL)));
  buf.copy(next, 0, 0, held);
  return { buf: next, held: fill(fd, next, held, start + held) };
}
