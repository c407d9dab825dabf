// A graph module reading a directory with textFileStream, for the worker-thread tests: each
// worker reads only the files of the partitions it owns. The window's union places a batch's
// partitions at other indices, so workers fetch partitions they do not own from their owners.
import { Seconds } from '@kindling/core';
import type { DStream, StreamingContext } from '../../../src/index.ts';

export interface FileGraph {
  readonly counts: DStream<[string, number]>;
  readonly windowedLengths: DStream<number>;
  readonly partitionSizes: DStream<number>;
}

export function fileWordCounts(ssc: StreamingContext, a: { readonly dir: string }): FileGraph {
  const lines = ssc.textFileStream(a.dir);
  return {
    counts: lines.flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]).reduceByKey((x, y) => x + y),
    windowedLengths: lines.window(Seconds(2), Seconds(1)).map((l) => l.length),
    partitionSizes: lines.glom().map((p) => p.length),
  };
}

/** Each batch's partitions of a directory's lines, files over `maxPartitionBytes` cut into byte ranges. */
export function splitFileParts(ssc: StreamingContext, a: { readonly dir: string; readonly maxPartitionBytes: number }): { readonly parts: DStream<string[]> } {
  return { parts: ssc.fileStream(a.dir, { maxPartitionBytes: a.maxPartitionBytes, log: () => {} }).glom() };
}
