/**
 * Line splitting shared by {@link readTextLinesSync} and {@link LineDecoder}, so that a file
 * read whole and the same bytes arriving over a socket give the same lines.
 *
 * Terminators are those of Hadoop's `LineReader` and Java's `BufferedReader.readLine`, which
 * Spark's text sources use: `\n`, `\r\n`, and a lone `\r`. Terminators are not part of lines.
 */

const LF = 10;
const CR = 13;

/**
 * Appends to `out` every complete line of `text` (from index `start`) and returns the index
 * where the unterminated remainder begins (`text.length` when `text` ends with a terminator).
 *
 * A `\r` at the very end of `text` ends a line; a streaming caller that cannot yet see the
 * next chunk must then skip one leading `\n` of that chunk.
 *
 * @internal
 */
export function splitCompleteLines(text: string, start: number, out: string[]): number {
  let from = start;
  if (text.indexOf('\r', from) === -1) {
    // Fast path, by far the common case: LF-only text.
    let nl = text.indexOf('\n', from);
    while (nl !== -1) {
      out.push(text.slice(from, nl));
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    return from;
  }
  const n = text.length;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      out.push(text.slice(from, i));
      from = i + 1;
    } else if (c === CR) {
      out.push(text.slice(from, i));
      if (i + 1 < n && text.charCodeAt(i + 1) === LF) i++;
      from = i + 1;
    }
  }
  return from;
}

/**
 * Splits a whole text into lines: a final line without a terminator is still a line, a
 * trailing terminator does not create an empty last line, and an empty text has no lines.
 */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  const rest = splitCompleteLines(text, 0, out);
  if (rest < text.length) out.push(text.slice(rest));
  return out;
}
