import { List, Map as IMap, isImmutable } from 'immutable';

/**
 * Turns a user key into one that Immutable.js compares by value, as API.md asks
 * ("Keys are compared by value"). Immutable.js hashes plain arrays and objects by reference,
 * which would make every `['a', 1]` tuple a different key, so composite keys become
 * Immutable values (arrays -> `List`, plain objects -> `Map`, recursively). Primitives,
 * Immutable values and objects with `equals`/`hashCode` (which Immutable.js honours) pass
 * through untouched, so the common string/number key costs one `typeof`.
 * @internal
 */
export function toValueKey(key: unknown): unknown {
  if (typeof key !== 'object' || key === null) return key;
  if (Array.isArray(key)) {
    const parts = new Array<unknown>(key.length);
    for (let i = 0; i < key.length; i++) parts[i] = toValueKey(key[i]);
    return List(parts);
  }
  if (isImmutable(key)) return key;
  const k = key as { equals?: unknown; hashCode?: unknown };
  if (typeof k.equals === 'function' && typeof k.hashCode === 'function') return key;
  if (key instanceof Date) return `\u0000date:${key.getTime()}`;
  const proto = Object.getPrototypeOf(key) as unknown;
  if (proto === Object.prototype || proto === null) {
    const fields: [string, unknown][] = [];
    for (const name of Object.keys(key)) fields.push([name, toValueKey((key as Record<string, unknown>)[name])]);
    return IMap(fields);
  }
  // A class instance without equals/hashCode: identity is all we can honestly offer.
  return key;
}
