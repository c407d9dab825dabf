import { IllegalConfigValueError } from './illegal-config-value-error.ts';
import { BYTE_STRING_SYNTAX, byteStringAsBytes } from './util/byte-string.ts';
import { TIME_STRING_SYNTAX, timeStringAsMs } from './util/time-string.ts';
import { launchConf } from './submit/launch-conf.ts';

/**
 * Configuration for a Kindling application, as Spark's `SparkConf`: string key/value pairs
 * with chainable setters. `new SparkConf()` starts from the `spark.*` settings the application
 * was launched with (`kindling-submit --master local[4] --conf key=value app.js`, as Spark's
 * system properties); what the code sets afterwards wins. `new SparkConf(false)` ignores them.
 *
 * @example
 * ```ts
 * const conf = new SparkConf().setMaster('local[2]').setAppName('Orders');
 * ```
 */
export class SparkConf {
  private readonly settings = new Map<string, string>();

  /** With `loadDefaults` (the default), starts from the launch's `spark.*` settings. */
  constructor(loadDefaults = true) {
    if (loadDefaults) for (const [k, v] of launchConf()) this.settings.set(k, v);
  }

  /** Sets a key; returns this for chaining. */
  set(key: string, value: string | number | boolean): this {
    this.settings.set(key, String(value));
    return this;
  }

  /** `spark.master`: `local`, `local[N]` or `local[*]`. */
  setMaster(master: string): this { return this.set('spark.master', master); }

  /** `spark.app.name`. */
  setAppName(name: string): this { return this.set('spark.app.name', name); }

  /** Sets several keys at once. */
  setAll(entries: Iterable<readonly [string, string]>): this {
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }

  /** Sets a key only when it is not set yet. */
  setIfMissing(key: string, value: string | number | boolean): this {
    if (!this.settings.has(key)) this.set(key, value);
    return this;
  }

  /** The value of `key`; `defaultValue` when unset; throws naming the key when neither. */
  get(key: string, defaultValue?: string): string {
    const v = this.settings.get(key);
    if (v !== undefined) return v;
    if (defaultValue !== undefined) return defaultValue;
    throw new Error(`No value for configuration key ${key}: set it with conf.set('${key}', value)`);
  }

  /** The value of `key`, or undefined. */
  getOption(key: string): string | undefined { return this.settings.get(key); }

  /** The value of `key` as an integer, or `defaultValue` when unset; a value that is not an integer throws. */
  getInt(key: string, defaultValue: number): number {
    const v = this.settings.get(key);
    if (v === undefined) return defaultValue;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`Configuration key ${key} must be an integer, got '${v}'`);
    return n;
  }

  /** The value of `key` as a boolean (`'true'` or `'false'`), or `defaultValue` when unset; another value throws. */
  getBoolean(key: string, defaultValue: boolean): boolean {
    const v = this.settings.get(key);
    if (v === undefined) return defaultValue;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new Error(`Configuration key ${key} must be true or false, got '${v}'`);
  }

  /** The value of `key` as a number, or `defaultValue` when unset; a value that is not a finite number throws. */
  getDouble(key: string, defaultValue: number): number {
    const v = this.settings.get(key);
    if (v === undefined) return defaultValue;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new IllegalConfigValueError(key, v, 'a number');
    return n;
  }

  /**
   * The value of `key` as a duration in milliseconds, as Spark's `getTimeAsMs`: a whole number
   * with an optional unit (`us`, `ms`, `s`, `m`/`min`, `h`, `d`), no unit meaning
   * milliseconds: `'200ms'`, `'30s'`, `'2min'`, `'5000'`. When unset, `defaultValue` is
   * parsed the same way; with no default, an unset key throws.
   * @throws {IllegalConfigValueError} naming the key when the value is not a duration.
   */
  getTimeAsMs(key: string, defaultValue?: string): number {
    const v = defaultValue === undefined ? this.get(key) : this.get(key, defaultValue);
    const ms = timeStringAsMs(v);
    if (ms === undefined) throw new IllegalConfigValueError(key, v, `a duration: ${TIME_STRING_SYNTAX}`);
    return ms;
  }

  /**
   * The value of `key` as a size in bytes, as Spark's `getSizeAsBytes`: a whole number with an
   * optional binary unit (`b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`, `p`/`pb`), no unit
   * meaning bytes: `'64k'` is 65,536. When unset, `defaultValue` (a size string, or a number of
   * bytes) is used; with no default, an unset key throws.
   * @throws {IllegalConfigValueError} naming the key when the value is not a size.
   */
  getSizeAsBytes(key: string, defaultValue?: string | number): number {
    const v = defaultValue === undefined ? this.get(key) : this.get(key, String(defaultValue));
    const bytes = byteStringAsBytes(v);
    if (bytes === undefined) throw new IllegalConfigValueError(key, v, `a size: ${BYTE_STRING_SYNTAX}`);
    return bytes;
  }

  /** True when `key` is set. */
  contains(key: string): boolean { return this.settings.has(key); }

  /** Unsets `key`; returns this conf. */
  remove(key: string): this {
    this.settings.delete(key);
    return this;
  }

  /** All settings as `[key, value]` pairs, sorted by key. */
  getAll(): [string, string][] { return [...this.settings.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); }

  /** A copy of this configuration. */
  clone(): SparkConf { return new SparkConf(false).setAll(this.settings); }

  /** `spark.app.name`, or undefined. */
  getAppId(): string | undefined { return this.settings.get('spark.app.name'); }

  /** One `key=value` per line, as Spark's `toDebugString`. */
  toDebugString(): string { return this.getAll().map(([k, v]) => `${k}=${v}`).join('\n'); }
}
