/** A word and its count. */
export type WordCount = [string, number];

/** The ranking every system uses: higher count first, then the word in code-unit order. */
export function compareRank(a: WordCount, b: WordCount): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/**
 * The `k` best entries of `counts` by {@link compareRank}, best first: one pass keeping a small
 * sorted array, as a hand-written loop would.
 */
export function topK(counts: Iterable<WordCount>, k: number): WordCount[] {
  const best: WordCount[] = [];
  for (const e of counts) {
    if (best.length === k && compareRank(e, best[k - 1]!) >= 0) continue;
    let i = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(e);
    while (i > 0 && compareRank(e, best[i - 1]!) < 0) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = [e[0], e[1]];
  }
  return best;
}
