/** Bytes per unit of a size string (Spark's `JavaUtils.byteStringAs` suffixes: binary units). */
const BYTES_PER_UNIT: Readonly<Record<string, number>> = {
  b: 1,
  k: 2 ** 10,
  kb: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  t: 2 ** 40,
  tb: 2 ** 40,
  p: 2 ** 50,
  pb: 2 ** 50,
};

/** The size syntax, for error messages. */
export const BYTE_STRING_SYNTAX =
  'a whole number with an optional unit: b, k or kb, m or mb, g or gb, t or tb, p or pb (powers of 1024, e.g. 64k, 8m); no unit means bytes, and fractions are not accepted (write 1536k, not 1.5m)';

/**
 * Parses a size as Spark's `JavaUtils.byteStringAsBytes`: a non-negative whole number,
 * optionally followed by a binary unit (`k`/`kb` = 1024 bytes, `m`/`mb`, `g`/`gb`, `t`/`tb`,
 * `p`/`pb`; `b` bytes; case and surrounding spaces ignored). No unit means bytes.
 * @returns the bytes, or undefined when `text` is not a size.
 */
export function byteStringAsBytes(text: string): number | undefined {
  const m = /^([0-9]+)([a-z]+)?$/.exec(text.trim().toLowerCase());
  if (m === null) return undefined;
  const perUnit = BYTES_PER_UNIT[m[2] ?? 'b'];
  if (perUnit === undefined) return undefined;
  const bytes = Number(m[1]) * perUnit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
