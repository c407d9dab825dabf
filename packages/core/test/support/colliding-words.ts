import { hashCode, spreadHash } from '../../src/index.ts';

/** Two words with the same home slot in a 64-slot AppendOnlyMap table (not the last two slots), `low` having the smaller hash code. */
export function collidingWords(): { low: string; high: string } {
  const home = (w: string): number => spreadHash(w) & 63;
  const first = 'w0';
  for (let i = 1; ; i++) {
    const w = `w${i}`;
    if (home(w) === home(first) && home(first) < 62) return hashCode(w) < hashCode(first) ? { low: w, high: first } : { low: first, high: w };
  }
}
