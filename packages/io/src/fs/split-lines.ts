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
 * Splits `text` into its complete lines and the unterminated remainder (`''` when `text`
 * ends with a terminator).
 *
 * A `\r` at the very end of `text` ends a line; a streaming caller that cannot yet see the
 * next chunk must then skip one leading `\n` of that chunk.
 *
 * @internal
 */
export function splitCompleteLines(text: string): { lines: string[]; rest: string } {
  if (text.indexOf('\r') === -1) {
    // Fast path, by far the common case: LF-only text. Native split beats a JS scan loop.
    const lines = text.split('\n');
    const rest = lines.pop()!;
    return { lines, rest };
  }
  const lines: string[] = [];
  const n = text.length;
  let from = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      lines.push(text.slice(from, i));
      from = i + 1;
    } else if (c === CR) {
      lines.push(text.slice(from, i));
      if (i + 1 < n && text.charCodeAt(i + 1) === LF) i++;
      from = i + 1;
    }
  }
  return { lines, rest: from < n ? text.slice(from) : '' };
}

/**
 * Splits a whole text into lines: a final line without a terminator is still a line, a
 * trailing terminator does not create an empty last line, and an empty text has no lines.
 */
export function splitLines(text: string): string[] {
  const { lines, rest } = splitCompleteLines(text);
  if (rest.length > 0) lines.push(rest);
  return lines;
}
