/**
 * Throws an `Error` with `message` when `condition` is false. The message should say what
 * the user should do, not only what went wrong.
 * @internal
 */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message());
}
