/**
 * The RxJS variants' own word counting, window and ranking, written apart from the hand loop's
 * (`window-counts.ts`, `top-k.ts`) so that their agreement with it checks something. Words are
 * the records split on single spaces, as every system tokenises.
 */

/** Word counts of one batch of records. */
export function rxCountWords(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const w of line.split(' ')) {
      const n = counts.get(w);
      counts.set(w, n === undefined ? 1 : n + 1);
    }
  }
  return counts;
}

/**
 * Counts over the last `length` batches. With `inverse`, the batch entering is added and the
 * one leaving subtracted (words reaching 0 dropped); without, the window is re-added from its
 * batches on every slide.
 */
export class RxWordWindow {
  private readonly batches: Map<string, number>[] = [];
  private counts = new Map<string, number>();

  constructor(private readonly length: number, private readonly inverse: boolean) {}

  /** Slides over one more batch; returns the window's counts (owned by this object). */
  next(batch: Map<string, number>): Map<string, number> {
    this.batches.push(batch);
    const leaving = this.batches.length > this.length ? this.batches.shift() : undefined;
    if (!this.inverse) {
      const counts = new Map<string, number>();
      for (const b of this.batches) b.forEach((n, w) => counts.set(w, (counts.get(w) ?? 0) + n));
      this.counts = counts;
      return counts;
    }
    batch.forEach((n, w) => this.counts.set(w, (this.counts.get(w) ?? 0) + n));
    leaving?.forEach((n, w) => {
      const left = (this.counts.get(w) ?? 0) - n;
      if (left === 0) this.counts.delete(w);
      else this.counts.set(w, left);
    });
    return this.counts;
  }
}

/** The `k` most frequent words, most frequent first, ties by word (code-unit order): sort and cut. */
export function rxTopK(counts: Map<string, number>, k: number): [string, number][] {
  return [...counts.entries()]
    .sort((a, b) => (b[1] - a[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, k);
}
