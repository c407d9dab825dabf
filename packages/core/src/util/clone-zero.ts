/**
 * A fresh copy of a zero value for `fold`/`aggregate`/`aggregateByKey`: Spark serialises the
 * zero into every task, so a mutable zero (an array, a Map) is never shared between
 * partitions or keys. Primitives are returned as they are; values `structuredClone` cannot
 * copy (functions, class instances with methods) are shared.
 */
export function cloneZero<T>(zero: T): T {
  if (zero === null || typeof zero !== 'object') return zero;
  const proto = Object.getPrototypeOf(zero);
  if (!(Array.isArray(zero) || proto === Object.prototype || proto === null || zero instanceof Map || zero instanceof Set || zero instanceof Date)) return zero;
  try {
    return structuredClone(zero);
  } catch {
    return zero;
  }
}
