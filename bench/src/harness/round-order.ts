/**
 * The order in which `n` systems run in round `round` of an interleaved measurement: a
 * Williams design (a Latin square balanced for carry-over). Over one cycle of rounds (`n`
 * rounds when `n` is even, `2n` when odd) every system runs first equally often and every
 * system immediately follows every other one equally often, so no system always runs right
 * after a given other (whose process may still be returning memory, or whose JIT threads may
 * still be compiling) and none always runs first in a round. Returns indexes `0..n-1`.
 */
export function roundOrder(n: number, round: number): number[] {
  if (n <= 0) return [];
  // The first row: 0, 1, n-1, 2, n-2, 3, ...; row r adds r to every entry (mod n).
  const first: number[] = [0];
  for (let j = 1; j < n; j++) first.push(j % 2 === 1 ? (j + 1) / 2 : n - j / 2);
  const cycle = n % 2 === 0 ? n : 2 * n;
  const r = ((round % cycle) + cycle) % cycle;
  const row = first.map((x) => (x + (r % n)) % n);
  // With an odd n, the square's rows leave some ordered pairs adjacent once more than others;
  // its rows reversed (rounds n..2n-1) even them out.
  return r < n ? row : row.reverse();
}

/** Rounds in one cycle of {@link roundOrder}: after it, every ordered pair was adjacent equally often. */
export function roundCycle(n: number): number {
  return n % 2 === 0 ? n : 2 * n;
}
