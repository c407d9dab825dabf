import { createReadStream, readFileSync, type ReadStream } from 'node:fs';
import { WholeFilesRDD } from './whole-files-rdd.ts';
import type { SparkContext } from '../spark-context.ts';

/**
 * One file of `sc.binaryFiles`, as Spark's `PortableDataStream`: its path, and its bytes read
 * when asked for (`toArray()`), not when the RDD is computed, so mapping over many files does
 * not hold them all in memory.
 */
export class PortableDataStream {
  constructor(private readonly absolutePath: string) {}

  /** The file's path as Spark gives it (`file:/absolute/path`). */
  getPath(): string { return `file:${this.absolutePath}`; }

  /** The whole file's bytes, read now (Spark's `toArray()`). */
  toArray(): Uint8Array { return readFileSync(this.absolutePath); }

  /** A stream over the file's bytes (Spark's `open()`); close it when done. */
  open(): ReadStream { return createReadStream(this.absolutePath); }
}

/**
 * Whole binary files as `[path, PortableDataStream]` pairs (`sc.binaryFiles`): see
 * {@link WholeFilesRDD} for how the files are listed and spread over partitions.
 */
export class BinaryFilesRDD extends WholeFilesRDD<PortableDataStream> {
  constructor(sc: SparkContext, path: string, minPartitions: number) {
    super(sc, path, minPartitions, 'binaryFiles');
  }

  protected read(absolutePath: string): PortableDataStream { return new PortableDataStream(absolutePath); }
}
