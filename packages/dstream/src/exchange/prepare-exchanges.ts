import type { RDD } from '@kindling/core';
import { ExchangeRDD } from './exchange-rdd.ts';

/**
 * Runs the repartition exchanges in `rdd`'s lineage without running anything else: an
 * instance that does not own a one-partition stage still runs its share of the map side, so
 * that the owner gets every end-of-batch marker.
 */
export async function prepareExchanges(rdd: RDD<unknown>): Promise<void> {
  const seen = new Set<RDD<unknown>>();
  const stack: RDD<unknown>[] = [rdd];
  const found: ExchangeRDD<unknown>[] = [];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    if (r instanceof ExchangeRDD) found.push(r);
    for (const d of r.dependencies) stack.push(d.rdd);
  }
  await Promise.all(found.map((e) => e.prepareForJob()));
}
