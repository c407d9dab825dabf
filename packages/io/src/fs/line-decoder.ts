import { StringDecoder } from 'node:string_decoder';
import { splitCompleteLines } from './split-lines.ts';

/**
 * Incremental UTF-8 line decoder: push byte chunks as they arrive (from a socket or a file
 * stream), get back the lines they complete.
 *
 * - A multi-byte UTF-8 character or a line split across chunks is joined correctly.
 * - Invalid bytes become U+FFFD; nothing throws.
 * - Lines end at `\n`, `\r\n` (even when `\r` and `\n` arrive in different chunks) or a lone
 *   `\r`, as Java's `BufferedReader.readLine` (behind Spark's `socketTextStream`) does.
 * - {@link LineDecoder.end} returns the final line when the data did not end with a newline.
 *
 * One decoder per connection or file; {@link LineDecoder.reset} reuses it for the next.
 */
export class LineDecoder {
  #utf8 = new StringDecoder('utf8');
  #carry = '';
  #skipLF = false;

  /** Decodes `chunk` and returns the lines it completes (possibly none). */
  push(chunk: Uint8Array): string[] {
    return this.#take(this.#utf8.write(chunk as Buffer));
  }

  /** Flushes: returns the final unterminated line, if any (and U+FFFD for a cut-off character). */
  end(): string[] {
    const out = this.#take(this.#utf8.end());
    if (this.#carry.length > 0) out.push(this.#carry);
    this.#carry = '';
    this.#skipLF = false;
    return out;
  }

  /** Drops any buffered partial data, ready for a new stream. */
  reset(): void {
    this.#utf8 = new StringDecoder('utf8');
    this.#carry = '';
    this.#skipLF = false;
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
