import type { StreamingContext } from '@kindling/dstream';

/** What `print()` wrote, batch by batch: `Time: <t>` header, then the elements. */
export interface PrintedBatch {
  time: string;
  lines: string[];
}

/** Captures the context's console output (print() and the examples' println). */
export function capture(ssc: StreamingContext): string[] {
  const out: string[] = [];
  ssc.setConsoleWriter((line) => out.push(line));
  return out;
}

/** Splits captured print() output into its batches. */
export function printedBatches(lines: readonly string[]): PrintedBatch[] {
  const batches: PrintedBatch[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('Time: ') && lines[i - 1] === '-------------------------------------------') {
      batches.push({ time: line.slice('Time: '.length), lines: [] });
      i++; // the rule under the header
      continue;
    }
    if (line === '' || line === '-------------------------------------------') continue;
    batches[batches.length - 1]?.lines.push(line);
  }
  return batches;
}

/** Parses printed `(word,count)` tuples. */
export function pairs(lines: readonly string[]): [string, number][] {
  return lines.map((l) => {
    const m = /^\((.*),(-?\d+)\)$/.exec(l);
    if (!m) throw new Error(`not a (key,count) line: ${l}`);
    return [m[1]!, Number(m[2])];
  });
}

/** Sums printed `(word,count)` over all batches. */
export function totals(lines: readonly string[]): Map<string, number> {
  const t = new Map<string, number>();
  for (const b of printedBatches(lines)) for (const [w, c] of pairs(b.lines)) t.set(w, (t.get(w) ?? 0) + c);
  return t;
}

/** Polls `cond` every 50 ms until true; throws `describe()` after `timeoutMs`. */
export async function eventually(cond: () => boolean, describe: () => string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Word frequencies of `text`, split on single spaces as the examples do. */
export function wordCounts(text: string): Map<string, number> {
  const t = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    for (const w of line.split(' ')) t.set(w, (t.get(w) ?? 0) + 1);
  }
  return t;
}
