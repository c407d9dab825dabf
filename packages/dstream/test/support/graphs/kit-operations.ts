// Operation modules for the test kit's `graph` option: (inputs, args) => DStream.
import type { DStream } from '../../../src/index.ts';

export function wordCounts([words]: [DStream<string>]): DStream<[string, number]> {
  return words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
}

export function joined([left, right]: [DStream<[string, number]>, DStream<[string, string]>]): DStream<[string, [number, string]]> {
  return left.join(right);
}
