// Spark's `take` scan, shared by `take` and `takeAsync`: the first partition alone, then more
// partitions a job, sized from what the partitions scanned so far yielded.
import type { RDD } from './rdd.ts';
import type { JobSubmitter } from '../scheduler/future-action.ts';

/** The first `num` elements of `rdd`, each job run by `run`. See {@link RDD.take}. */
export async function takeFrom<T>(rdd: RDD<T>, num: number, run: JobSubmitter, callSite: string): Promise<T[]> {
  const out: T[] = [];
  const total = rdd.getNumPartitions();
  if (num <= 0 || total === 0) return out;
  let scanned = 0;
  while (out.length < num && scanned < total) {
    let toTry = 1;
    if (scanned > 0) {
      toTry = out.length === 0
        ? scanned * 4
        : Math.min(Math.max(Math.floor((1.5 * num * scanned) / out.length) - scanned, 1), scanned * 4);
    }
    const parts = Array.from({ length: Math.min(toTry, total - scanned) }, (_, i) => scanned + i);
    const left = num - out.length;
    const res = await run(rdd, (data: readonly T[]) => data.slice(0, left), parts, callSite);
    for (const r of res) for (const x of r) if (out.length < num) out.push(x);
    scanned += parts.length;
  }
  return out;
}
