import type { SparkContext, ThreadAccumulator } from '@kindling/core';

/** The SparkContext methods that create an accumulator the worker-thread runtime tracks. */
const CREATORS = ['longAccumulator', 'doubleAccumulator', 'collectionAccumulator'] as const;

type Creator = (this: SparkContext, name?: string) => ThreadAccumulator;

/**
 * Records the accumulators created through `sc.longAccumulator()`, `doubleAccumulator()` and
 * `collectionAccumulator()` while a graph module builds its graph. Every thread builds the same
 * graph, so the i-th accumulator is the same one in every thread: workers send the deltas of
 * theirs, the driver merges them into its own.
 * @internal
 */
export function trackAccumulators(sc: SparkContext): { readonly list: ThreadAccumulator[]; stop(): void } {
  const list: ThreadAccumulator[] = [];
  const target = sc as unknown as Record<(typeof CREATORS)[number], Creator>;
  const originals = CREATORS.map((m) => target[m]);
  CREATORS.forEach((m, i) => {
    const original = originals[i]!;
    target[m] = function tracked(this: SparkContext, name?: string): ThreadAccumulator {
      const acc = original.call(this, name);
      list.push(acc);
      return acc;
    };
  });
  return { list, stop: () => CREATORS.forEach((m, i) => { target[m] = originals[i]!; }) };
}
