import { splitWords } from '../../data/text-records.ts';

/** Word counts of one batch of records. */
export function countWords(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const words = splitWords(lines[i]!);
    for (let j = 0; j < words.length; j++) {
      const w = words[j]!;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

/** Adds `counts` into `window`. */
export function addCounts(window: Map<string, number>, counts: Map<string, number>): void {
  for (const [w, n] of counts) window.set(w, (window.get(w) ?? 0) + n);
}

/** Subtracts `counts` from `window`, dropping words that reach zero (Spark's filterFunc). */
export function subtractCounts(window: Map<string, number>, counts: Map<string, number>): void {
  for (const [w, n] of counts) {
    const left = window.get(w)! - n;
    if (left === 0) window.delete(w);
    else window.set(w, left);
  }
}

/**
 * Sliding word counts over the last `length` batches, one batch at a time: with `inverse`,
 * kept incrementally (add the new batch, subtract the one leaving); without, rebuilt from the
 * batches in the window on every slide, as Spark does without an inverse function.
 */
export class WindowCounts {
  private readonly ring: (Map<string, number> | undefined)[];
  private window = new Map<string, number>();
  private batches = 0;

  constructor(private readonly length: number, private readonly inverse: boolean) {
    this.ring = new Array(length);
  }

  /** The window's counts after the last {@link push} (owned by this object). */
  current(): Map<string, number> {
    return this.window;
  }

  /** Slides the window over one more batch's counts; returns the window's counts (owned). */
  push(counts: Map<string, number>): Map<string, number> {
    const slot = this.batches++ % this.length;
    const leaving = this.ring[slot];
    this.ring[slot] = counts;
    if (this.inverse) {
      addCounts(this.window, counts);
      if (leaving) subtractCounts(this.window, leaving);
    } else {
      this.window = new Map();
      for (const m of this.ring) if (m) addCounts(this.window, m);
    }
    return this.window;
  }
}
