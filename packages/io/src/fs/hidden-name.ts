/**
 * Hadoop's hidden-file rule, which Spark's file sources follow: names starting with `.` or
 * `_` (temporary folders, `_SUCCESS`, editor swap files) are not input.
 */
export function isHiddenName(name: string): boolean {
  const c = name.charCodeAt(0);
  return c === 46 /* . */ || c === 95 /* _ */;
}
