/**
 * A string equal to `key` that holds no reference to a larger string. V8 makes a slice of 13
 * characters or more a view of its parent, so a key sliced out of a packed block would keep
 * the whole block alive as long as the key lives (in a state stream or a key table, for ever).
 * Such a key is copied (through a short concatenation, flattened by the slice), so it pins
 * only itself; a shorter one is already a copy.
 * @internal
 */
export function unpinned(key: string): string {
  return key.length < 13 ? key : `${key} `.slice(0, -1);
}
