import type { DoubleAccumulator, LongAccumulator, SparkContext } from '@kindling/core';

/**
 * Records the accumulators created through `sc.longAccumulator()` (and `doubleAccumulator()`) while a graph module builds
 * its graph. Every thread builds the same graph, so the i-th accumulator is the same one in
 * every thread: workers send the deltas of theirs, the driver adds them to its own.
 * @internal
 */
export function trackAccumulators(sc: SparkContext): { readonly list: LongAccumulator[]; stop(): void } {
  const list: LongAccumulator[] = [];
  const original = sc.longAccumulator;
  sc.longAccumulator = function tracked(this: SparkContext, name?: string): LongAccumulator {
    const acc = original.call(this, name);
    list.push(acc);
    return acc;
  };
  const originalDouble = sc.doubleAccumulator;
  sc.doubleAccumulator = function tracked(this: SparkContext, name?: string): DoubleAccumulator {
    const acc = originalDouble.call(this, name);
    list.push(acc);
    return acc;
  };
  return { list, stop: () => { sc.longAccumulator = original; sc.doubleAccumulator = originalDouble; } };
}
