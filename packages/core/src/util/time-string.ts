/** Milliseconds per unit of a duration string (Spark's `JavaUtils.timeStringAs` suffixes). */
const MS_PER_UNIT: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** The duration syntax, for error messages. */
export const TIME_STRING_SYNTAX =
  'a whole number with an optional unit: us, ms, s, m or min, h, d (e.g. 200ms, 30s, 2min); no unit means milliseconds, and fractions are not accepted (write 1500ms, not 1.5s)';

/**
 * Parses a duration as Spark's `JavaUtils.timeStringAsMs`: a (possibly negative) whole
 * number, optionally followed by a unit (`us`, `ms`, `s`, `m`/`min`, `h`, `d`; case and
 * surrounding spaces ignored). No unit means milliseconds. Microseconds are truncated toward
 * zero (`1500us` is 1 ms), as Java's `TimeUnit.convert`.
 * @returns the milliseconds, or undefined when `text` is not a duration.
 */
export function timeStringAsMs(text: string): number | undefined {
  const m = /^(-?[0-9]+)([a-z]+)?$/.exec(text.trim().toLowerCase());
  if (m === null) return undefined;
  const perUnit = MS_PER_UNIT[m[2] ?? 'ms'];
  if (perUnit === undefined) return undefined;
  const ms = Math.trunc(Number(m[1]) * perUnit) + 0; // + 0: no -0
  return Number.isSafeInteger(ms) ? ms : undefined;
}
