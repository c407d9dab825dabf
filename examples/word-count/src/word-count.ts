import type { SparkContext } from '@kindling/core';

/**
 * The classic word count: reads every text file matched by `path` (a file, a folder or a
 * glob), splits lines into lower-cased words, counts them with `reduceByKey`, and returns the
 * `n` most frequent, most frequent first (ties in alphabetical order).
 */
export async function topWords(sc: SparkContext, path: string, n = 20): Promise<[string, number][]> {
  const counts = sc.textFile(path)
    .flatMap((line) => line.toLowerCase().split(/[^\p{L}\p{N}']+/u))
    .filter((word) => word !== '')
    .map((word) => [word, 1] as [string, number])
    .reduceByKey((a, b) => a + b);
  return counts.takeOrdered(n, (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
