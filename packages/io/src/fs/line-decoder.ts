import { StringDecoder } from 'node:string_decoder';
import { splitCompleteLines } from './split-lines.ts';

/** Options of {@link LineDecoder}. */
export interface LineDecoderOptions {
  /**
   * Longest line kept, in UTF-8 bytes (without its line end). A longer line is dropped as it
   * arrives (never held whole: at most this many bytes of it are buffered) and reported to
   * `onOversizedLine`; decoding goes on with the next line. Default: no limit.
   */
  maxLineLength?: number;
  /** Called once per dropped line with its length in bytes (counted to its end). */
  onOversizedLine?: (length: number) => void;
}

/** Byte offset of the first line end (`\n` or `\r`) in `chunk`, or -1. */
function firstLineEnd(chunk: Uint8Array): number {
  const lf = chunk.indexOf(10);
  const cr = chunk.indexOf(13);
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
}

/** Byte offset of the last line end in `chunk`, or -1 (neither byte occurs inside a UTF-8 sequence). */
function lastLineEnd(chunk: Uint8Array): number {
  return Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13));
}

/**
 * Incremental UTF-8 line decoder: push byte chunks as they arrive (from a socket or a file
 * stream), get back the lines they complete.
 *
 * - A multi-byte UTF-8 character or a line split across chunks is joined correctly.
 * - Invalid bytes become U+FFFD; nothing throws.
 * - Lines end at `\n`, `\r\n` (even when `\r` and `\n` arrive in different chunks) or a lone
 *   `\r`, as Java's `BufferedReader.readLine` (behind Spark's `socketTextStream`) does.
 * - {@link LineDecoder.end} returns the final line when the data did not end with a newline.
 * - With `maxLineLength`, memory stays bounded whatever arrives: a longer line is dropped and
 *   reported (see {@link LineDecoderOptions}).
 *
 * One decoder per connection or file; {@link LineDecoder.reset} reuses it for the next.
 */
export class LineDecoder {
  /** How error messages name this decoder (it is no user's converter). */
  readonly name = 'UTF-8 line decoder';
  readonly #max: number;
  readonly #onOversized: ((length: number) => void) | undefined;
  #utf8 = new StringDecoder('utf8');
  #carry = '';
  #skipLF = false;
  /** Bytes of the partial line in `#carry` (bounded mode). */
  #carryBytes = 0;
  /** Bytes of the over-long line being dropped so far; -1 when not dropping. */
  #dropped = -1;

  constructor(options: LineDecoderOptions = {}) {
    const max = options.maxLineLength ?? Number.POSITIVE_INFINITY;
    if (!(max > 0)) throw new RangeError(`LineDecoder: maxLineLength must be a positive number of bytes, got ${max}`);
    this.#max = max;
    this.#onOversized = options.onOversizedLine;
  }

  /** Characters (UTF-16 code units) of the partial line held: at most `maxLineLength`. */
  get bufferedLength(): number {
    return this.#carry.length;
  }

  /** Decodes `chunk` and returns the lines it completes (possibly none). */
  push(chunk: Uint8Array): string[] {
    if (this.#max === Number.POSITIVE_INFINITY) return this.#take(this.#utf8.write(chunk as Buffer));
    return this.#pushBounded(chunk);
  }

  /** Flushes: returns the final unterminated line, if any (and U+FFFD for a cut-off character). */
  end(): string[] {
    if (this.#dropped >= 0) {
      this.#endDrop();
      this.#skipLF = false;
      return [];
    }
    const out = this.#take(this.#utf8.end());
    if (this.#carry.length > 0) out.push(this.#carry);
    this.#carry = '';
    this.#carryBytes = 0;
    this.#skipLF = false;
    return out;
  }

  /** Drops any buffered partial data (a line being dropped too, unreported), ready for a new stream. */
  reset(): void {
    this.#utf8 = new StringDecoder('utf8');
    this.#carry = '';
    this.#carryBytes = 0;
    this.#dropped = -1;
    this.#skipLF = false;
  }

  #pushBounded(chunk: Uint8Array): string[] {
    if (this.#dropped >= 0) {
      const end = firstLineEnd(chunk);
      if (end === -1) {
        this.#dropped += chunk.length;
        return [];
      }
      this.#dropped += end;
      this.#endDrop();
      // That line end closes the dropped line; a \n right after a \r belongs to it.
      this.#skipLF = chunk[end] === 13;
      return end + 1 < chunk.length ? this.#pushBounded(chunk.subarray(end + 1)) : [];
    }
    const last = lastLineEnd(chunk);
    if (last === -1) {
      // The partial line grows; past the limit it is dropped instead of held.
      if (this.#carryBytes + chunk.length > this.#max) {
        this.#startDrop(this.#carryBytes + chunk.length);
        return [];
      }
      this.#carryBytes += chunk.length;
      return this.#take(this.#utf8.write(chunk as Buffer));
    }
    const lines = this.#take(this.#utf8.write(chunk as Buffer));
    const max = this.#max;
    // Copied only when a line is dropped.
    let kept: string[] | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      // UTF-8 takes 1 to 3 bytes per UTF-16 unit: only a line this long may be over the limit.
      if (line.length * 3 > max) {
        const bytes = Buffer.byteLength(line, 'utf8');
        if (bytes > max) {
          kept ??= lines.slice(0, i);
          this.#onOversized?.(bytes);
          continue;
        }
      }
      kept?.push(line);
    }
    const tail = chunk.length - last - 1;
    this.#carryBytes = tail;
    if (tail > max) this.#startDrop(tail);
    return kept ?? lines;
  }

  #startDrop(bytes: number): void {
    this.#dropped = bytes;
    this.#carry = '';
    this.#carryBytes = 0;
    this.#skipLF = false;
    this.#utf8 = new StringDecoder('utf8');
  }

  #endDrop(): void {
    const length = this.#dropped;
    this.#dropped = -1;
    this.#utf8 = new StringDecoder('utf8');
    this.#onOversized?.(length);
  }

  #take(decoded: string): string[] {
    if (decoded.length === 0) return [];
    if (this.#skipLF) {
      // The previous chunk ended with \r: a \n right after it completes that CRLF.
      this.#skipLF = false;
      if (decoded.charCodeAt(0) === 10) {
        if (decoded.length === 1) return [];
        decoded = decoded.slice(1);
      }
    }
    if (decoded.indexOf('\n') === -1 && decoded.indexOf('\r') === -1) {
      // No line ends here: just extend the partial line (a long line arriving in many chunks
      // must not be rescanned from its start at every chunk).
      this.#carry += decoded;
      return [];
    }
    const text = this.#carry.length > 0 ? this.#carry + decoded : decoded;
    const { lines, rest } = splitCompleteLines(text);
    this.#carry = rest;
    this.#skipLF = text.charCodeAt(text.length - 1) === 13;
    return lines;
  }
}
