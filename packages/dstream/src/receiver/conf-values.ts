import type { SparkConf } from '@kindling/core';

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration setting in milliseconds, as Spark's `getTimeAsMs`: `'200ms'`, `'1s'`, `'2min'`,
 * `'1h'`, or a bare number of milliseconds.
 * @throws Error naming the key and the value when it is not a duration.
 */
export function confTimeMs(conf: SparkConf, key: string, defaultMs: number): number {
  const raw = conf.getOption(key);
  if (raw === undefined) return defaultMs;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = m === null ? undefined : UNITS[(m[2] ?? '').toLowerCase() || 'ms'];
  if (m === null || unit === undefined) {
    throw new Error(`Configuration key ${key} must be a duration such as '200ms', '1s' or '2min', got '${raw}'.`);
  }
  return Number(m[1]) * unit;
}

/**
 * A numeric setting, or `defaultValue` when unset.
 * @throws Error naming the key and the value when it is not a number.
 */
export function confNumber(conf: SparkConf, key: string, defaultValue: number): number {
  const raw = conf.getOption(key);
  if (raw === undefined) return defaultValue;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`Configuration key ${key} must be a number, got '${raw}'.`);
  return n;
}
