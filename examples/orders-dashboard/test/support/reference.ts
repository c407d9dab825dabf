/**
 * The chapter's numbers worked out with plain loops over the input lines, independently of
 * Kindling and of the dashboard's parser: what every batch folder should hold.
 */

export interface ExpectedBatch {
  buys: number;
  sells: number;
  /** Running volume (amount x price) per client id, all batches so far. */
  clientVolumes: Map<string, number>;
  /** Shares per symbol over the window (the last hour of batches). */
  stockShares: Map<string, number>;
  /** Lines dropped as malformed in this batch. */
  malformed: string[];
}

/** True when the line has 7 fields, a B/S side and numeric amount/price/client. */
function simpleParse(line: string): { client: string; symbol: string; amount: number; price: number; buy: boolean } | undefined {
  const f = line.split(',');
  if (f.length !== 7) return undefined;
  if (f[6] !== 'B' && f[6] !== 'S') return undefined;
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(f[0]!)) return undefined;
  if (!/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[4]!)) return undefined;
  const price = parseFloat(f[5]!);
  if (!/^\d+(\.\d+)?$/.test(f[5]!)) return undefined;
  return { client: String(parseInt(f[2]!, 10)), symbol: f[3]!, amount: parseInt(f[4]!, 10), price, buy: f[6] === 'B' };
}

/**
 * One expected batch per chunk of lines. `windowBatches` is how many batches the one-hour
 * window spans (720 for 5 s batches).
 */
export function expectedBatches(chunks: readonly (readonly string[])[], windowBatches: number): ExpectedBatch[] {
  const out: ExpectedBatch[] = [];
  const volumes = new Map<string, number>();
  const sharesPerBatch: Map<string, number>[] = [];
  for (const chunk of chunks) {
    let buys = 0;
    let sells = 0;
    const shares = new Map<string, number>();
    const malformed: string[] = [];
    for (const line of chunk) {
      const o = simpleParse(line);
      if (!o) { malformed.push(line); continue; }
      if (o.buy) buys++; else sells++;
      volumes.set(o.client, (volumes.get(o.client) ?? 0) + o.amount * o.price);
      shares.set(o.symbol, (shares.get(o.symbol) ?? 0) + o.amount);
    }
    sharesPerBatch.push(shares);
    const windowed = new Map<string, number>();
    for (let j = Math.max(0, sharesPerBatch.length - windowBatches); j < sharesPerBatch.length; j++) {
      for (const [s, n] of sharesPerBatch[j]!) windowed.set(s, (windowed.get(s) ?? 0) + n);
    }
    out.push({ buys, sells, clientVolumes: new Map(volumes), stockShares: windowed, malformed });
  }
  return out;
}

/** The five largest by value, descending (ties in key order, which the engine need not follow). */
export function top5(totals: ReadonlyMap<string, number>): string[] {
  return [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map((e) => e[0]);
}

/**
 * Checks a top-5 list printed by the pipeline against reference totals, allowing any order
 * among equal values (Spark's `sortBy` gives no order between ties): the names are distinct,
 * their values are the five largest in descending order. Returns a message, or undefined.
 */
export function top5Mismatch(actual: readonly string[], totals: ReadonlyMap<string, number>): string | undefined {
  const expected = top5(totals);
  const want = expected.map((n) => totals.get(n));
  const got = actual.map((n) => totals.get(n));
  if (new Set(actual).size !== actual.length) return `duplicate names in ${actual.join(', ')}`;
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    return `got ${actual.join(', ')} (values ${got.join(', ')}), expected ${expected.join(', ')} (values ${want.join(', ')})`;
  }
  return undefined;
}

/** Parses `(TOP5CLIENTS,List(34, 21, 92))` into its label and items. */
export function parseOutputLine(line: string): [string, string[]] {
  const m = /^\(([A-Z0-9]+),List\((.*)\)\)$/.exec(line);
  if (!m) throw new Error(`not a batch output line: ${line}`);
  return [m[1]!, m[2] === '' ? [] : m[2]!.split(', ')];
}

/** The top 5 when no two of the six largest values are equal (so any correct engine agrees). */
export function unambiguousTop5(totals: ReadonlyMap<string, number>): string[] | undefined {
  const sorted = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 6);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]![1] === sorted[i - 1]![1]) return undefined;
  return sorted.slice(0, 5).map((e) => e[0]);
}
