/** An error's stack (or text) followed by each of its causes', for a result's `error`. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  let text = e.stack ?? String(e);
  let cause = e.cause;
  while (cause !== undefined) {
    text += `\ncaused by: ${cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}
