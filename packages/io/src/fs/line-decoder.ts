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
    const out: string[] = [];
    this.#take(this.#utf8.write(chunk as Buffer), out);
    return out;
  }

  /** Flushes: returns the final unterminated line, if any (and U+FFFD for a cut-off character). */
  end(): string[] {
    const out: string[] = [];
    this.#take(this.#utf8.end(), out);
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

  #take(decoded: string, out: string[]): void {
    if (decoded.length === 0) return;
    let start = 0;
    if (this.#skipLF) {
      this.#skipLF = false;
      if (decoded.charCodeAt(0) === 10) start = 1;
    }
    const text = this.#carry.length > 0 ? this.#carry + decoded.slice(start) : decoded;
    if (this.#carry.length > 0) start = 0;
    const rest = splitCompleteLines(text, start, out);
    this.#carry = rest < text.length ? text.slice(rest) : '';
    this.#skipLF = text.length > 0 && text.charCodeAt(text.length - 1) === 13;
  }
}
