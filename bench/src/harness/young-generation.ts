/**
 * How big V8 lets each child process's young generation be (`--young-generation`):
 * - `pinned` (the default since stop 21): every isolate of every child (the main thread's and
 *   `kindling-N`'s worker threads') holds its semi-spaces at {@link PINNED_SEMI_SPACE_MB}, the
 *   size V8 grows them to anyway in runs back to back on this machine. V8 shrinks the young
 *   generation of an isolate whose allocation rate falls low (`Heap::ShouldResizeNewSpace`: under
 *   1,000 bytes/ms over the last seconds), which is what a process waiting for its turn in an
 *   interleaved round looks like; it then regrows it only as survivors accumulate, so its next
 *   runs pay two to seven times the scavenges of back-to-back runs (orders-small, stop 21).
 *   With the floor at the ceiling there is nothing to shrink, and a timed run pays what it pays
 *   back to back, whatever the idle gap before it;
 * - `v8`: V8's own sizing (what a user's process gets), for measuring the effect itself.
 * See BENCHMARKS.md, "How it measures", for the measurements.
 */
export type YoungGeneration = 'pinned' | 'v8';

export const YOUNG_GENERATIONS: readonly YoungGeneration[] = ['pinned', 'v8'];

/** A semi-space's size under `pinned`, MB: V8's largest for a 64-bit heap (Node 20), reached back to back by every system measured. */
export const PINNED_SEMI_SPACE_MB = 16;

/** Node's flags for the young generation of a child process under `mode`. */
export function youngGenerationFlags(mode: YoungGeneration): string[] {
  return mode === 'pinned' ? [`--min-semi-space-size=${PINNED_SEMI_SPACE_MB}`, `--max-semi-space-size=${PINNED_SEMI_SPACE_MB}`] : [];
}
