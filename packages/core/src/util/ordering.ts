/**
 * A comparison function: negative when `a` sorts before `b`, positive after, 0 when equal.
 * Plays the role of Scala's implicit `Ordering[T]`.
 */
export type Ordering<T> = (a: T, b: T) => number;

function typeRank(x: unknown): number {
  if (x === undefined || x === null) return 0; // None sorts before Some, as Scala's Option ordering
  switch (typeof x) {
    case 'boolean': return 1;
    case 'number':
    case 'bigint': return 2;
    case 'string': return 3;
    default: return Array.isArray(x) ? 4 : 5;
  }
}

/**
 * Spark's natural ordering for the values Kindling supports as sort keys: numbers
 * numerically (NaN last, as `java.lang.Double.compare`), strings by UTF-16 code units (as
 * `String.compareTo`), `false < true`, tuples (arrays) element-wise then by length,
 * `undefined` first, dates by time, and objects with a `compare(other)` or `compareTo(other)`
 * method by it. Values of different kinds order by kind.
 */
export function naturalOrdering(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === 'number') {
      const x = a as number;
      const y = b as number;
      if (x < y) return -1;
      if (x > y) return 1;
      const xn = x !== x;
      const yn = y !== y;
      return xn === yn ? 0 : xn ? 1 : -1;
    }
    if (ta === 'string' || ta === 'bigint') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    if (ta === 'boolean') return a ? 1 : -1;
  }
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) {
    if (ra === 2 && rb === 2) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    return ra - rb;
  }
  if (ra === 2) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0; // number vs bigint
  if (ra === 0) return 0;
  if (ra === 4) {
    const xs = a as unknown[];
    const ys = b as unknown[];
    const n = Math.min(xs.length, ys.length);
    for (let i = 0; i < n; i++) {
      const c = naturalOrdering(xs[i], ys[i]);
      if (c !== 0) return c;
    }
    return xs.length - ys.length;
  }
  if (a instanceof Date && b instanceof Date) return naturalOrdering(a.getTime(), b.getTime());
  const oa = a as { compare?: unknown; compareTo?: unknown };
  if (typeof oa.compare === 'function') return oa.compare(b) as number;
  if (typeof oa.compareTo === 'function') return oa.compareTo(b) as number;
  throw new TypeError(
    `No natural ordering for ${Object.prototype.toString.call(a)} values: pass an ordering (a compare function) or sort by a number, string, boolean or tuple key`,
  );
}

/** The reverse of `ord`, as Scala's `Ordering.reverse`. */
export function reverseOrdering<T>(ord: Ordering<T>): Ordering<T> {
  return (a, b) => ord(b, a);
}

/**
 * A sorted copy of `xs`. Unlike `Array.prototype.sort`, which always moves `undefined` to the
 * end without asking the comparator, `undefined` (Scala's `None`) lands where `ord` puts it
 * (first with the natural ordering).
 */
export function sortedCopy<T>(xs: readonly T[], ord: Ordering<T>): T[] {
  const defined: T[] = [];
  let undefs = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x === undefined) undefs++;
    else defined.push(x as T);
  }
  defined.sort(ord);
  if (undefs === 0) return defined;
  const nones = new Array<T>(undefs).fill(undefined as T);
  return defined.length === 0 || ord(undefined as T, defined[0]!) <= 0 ? nones.concat(defined) : defined.concat(nones);
}
