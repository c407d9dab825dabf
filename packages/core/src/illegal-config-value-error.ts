/**
 * A configuration key is set to a value its reader cannot use (not a duration, a size, a
 * number, a boolean, or out of range). The message names the key, the value and the syntax.
 */
export class IllegalConfigValueError extends Error {
  override readonly name = 'IllegalConfigValueError';

  constructor(
    /** The configuration key. */
    readonly key: string,
    /** The value as set. */
    readonly value: string,
    /** What a valid value looks like. */
    expected: string,
  ) {
    super(`Configuration key ${key} has an illegal value '${value}': expected ${expected}. Fix it in the SparkConf (conf.set('${key}', ...)).`);
  }
}
