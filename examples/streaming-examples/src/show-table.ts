/**
 * Spark's `Dataset.show()` layout for rows of plain values, so that the ports of Spark's SQL
 * examples print the tables Spark prints: a `+---+` rule, the header, a rule, one line per
 * row (at most `numRows`), a rule, and `only showing top N rows` when rows were left out.
 * Every cell is right-aligned in a column at least 3 wide; a cell longer than `truncate`
 * characters is cut to `truncate - 3` and ends in `...` (Spark's defaults: 20 rows, 20 chars).
 */
export function showTable(header: readonly string[], rows: readonly (readonly unknown[])[], numRows = 20, truncate = 20): string[] {
  const shown = rows.slice(0, numRows).map((row) => row.map((cell) => cut(cell === undefined || cell === null ? 'null' : String(cell), truncate)));
  const cells = [header.map((h) => cut(h, truncate)), ...shown];
  const widths = header.map((_, c) => Math.max(3, ...cells.map((row) => row[c]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const line = (row: readonly string[]): string => `|${row.map((cell, c) => cell.padStart(widths[c]!)).join('|')}|`;
  const out = [rule, line(cells[0]!), rule, ...shown.map(line), rule];
  if (rows.length > numRows) out.push(`only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}`);
  return out;
}

function cut(s: string, truncate: number): string {
  if (truncate <= 0 || s.length <= truncate) return s;
  return truncate < 4 ? s.slice(0, truncate) : `${s.slice(0, truncate - 3)}...`;
}
