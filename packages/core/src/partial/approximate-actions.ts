// The approximate actions (Spark's `countApprox`, `countByValueApprox`, `countByKeyApprox`,
// `sumApprox`, `meanApprox`): the RDD's methods delegate here. Spark runs an approximate job
// that answers after `timeout` ms with bounds from the tasks finished by then. A local context
// always finishes the job (its tasks run in this process, nothing is waited for), so each
// answer is exact and final: Spark's evaluators give `BoundedDouble(v, 1.0, v, v)` once every
// task has reported, and that is what these return. `timeout` is accepted and not needed.
import type { RDD } from '../rdd/rdd.ts';
import { invariant } from '../util/invariant.ts';
import { StatCounter } from '../util/stat-counter.ts';
import { BoundedDouble } from './bounded-double.ts';
import { PartialResult } from './partial-result.ts';

function checkConfidence(confidence: number): void {
  invariant(confidence >= 0 && confidence <= 1, `confidence (${confidence}) must be in [0,1]`);
}

/** See {@link RDD.countApprox}. */
export async function countApprox<T>(rdd: RDD<T>, _timeout: number, confidence: number): Promise<PartialResult<BoundedDouble>> {
  checkConfidence(confidence);
  const counts = await rdd.context.runJob(rdd, (data) => data.length, undefined, 'countApprox');
  let n = 0;
  for (const c of counts) n += c;
  return new PartialResult(BoundedDouble.exact(n), true);
}

/** See {@link RDD.countByValueApprox}. */
export async function countByValueApprox<T>(rdd: RDD<T>, _timeout: number, confidence: number): Promise<PartialResult<Map<T, BoundedDouble>>> {
  checkConfidence(confidence);
  const counts = await rdd.countByValue();
  const bounded = new Map<T, BoundedDouble>();
  for (const [k, c] of counts) bounded.set(k, BoundedDouble.exact(c));
  return new PartialResult(bounded, true);
}

/**
 * See {@link RDD.sumApprox} and {@link RDD.meanApprox}: one pass of `StatCounter`s, as Spark's
 * (whose sum and mean evaluators do not check `confidence`).
 */
export async function statApprox(rdd: RDD<number>, _timeout: number, which: 'sum' | 'mean'): Promise<PartialResult<BoundedDouble>> {
  const parts = await rdd.context.runJob(rdd, (data: readonly number[]) => new StatCounter().mergeValues(data), undefined, `${which}Approx`);
  const total = new StatCounter();
  for (const p of parts) total.mergeCounter(p);
  // Spark's SumEvaluator reports the counter's sum (count times mean), so the digits are its.
  return new PartialResult(BoundedDouble.exact(which === 'sum' ? total.sum : total.mean), true);
}
