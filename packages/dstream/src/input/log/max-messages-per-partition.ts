/**
 * How many records each partition may give one batch (Spark's
 * `DirectKafkaInputDStream.maxMessagesPerPartition`), or undefined for "no limit".
 *
 * With a backpressure estimate (`estimatedRate`, records/s for the whole stream) the rate is
 * split over the partitions in proportion to their lag (`latest - current`), each share capped
 * by its `maxRates` entry (0: no cap). Without one, each partition's `maxRates` entry applies.
 * A limit is `max(floor(rate * batch seconds), minRate)`.
 */
export function maxMessagesPerPartition(
  current: readonly number[],
  latest: readonly number[],
  maxRates: readonly number[],
  minRates: readonly number[],
  estimatedRate: number | undefined,
  batchMs: number,
): number[] | undefined {
  const n = current.length;
  const rates = new Array<number>(n);
  if (estimatedRate !== undefined && estimatedRate > 0) {
    let totalLag = 0;
    for (let i = 0; i < n; i++) totalLag += Math.max(latest[i]! - current[i]!, 0);
    for (let i = 0; i < n; i++) {
      const lag = Math.max(latest[i]! - current[i]!, 0);
      // Spark divides by the total lag as a double: no lag anywhere gives NaN, hence no limit below.
      const share = totalLag === 0 ? 0 : (lag / totalLag) * estimatedRate;
      rates[i] = maxRates[i]! > 0 ? Math.min(share, maxRates[i]!) : share;
    }
  } else {
    for (let i = 0; i < n; i++) rates[i] = maxRates[i]!;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rates[i]!;
  if (!(sum > 0)) return undefined;
  const secs = batchMs / 1000;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(Math.floor(secs * rates[i]!), minRates[i]!);
  return out;
}
