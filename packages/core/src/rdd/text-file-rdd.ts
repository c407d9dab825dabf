import { statSync, readFileSync } from 'node:fs';
import { decodeValues, listInputFilesSync, readTextLineSliceSync, readTextLinesSync } from '@kindling/io';
import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';
import { getLogger } from '../util/logger.ts';

interface FileSplit {
  readonly file: string;
  /** This split is slice `index` of `of` equal slices of the file's lines. */
  readonly index: number;
  readonly of: number;
}

const BLOCK_SIZE = 32 * 1024 * 1024;

/**
 * Hadoop's split sizing: a goal of `totalSize / minPartitions` bytes, capped at a block, a
 * last split up to 10% larger. Lines are divided between a file's splits by count.
 */
function planSplits(files: readonly string[], minPartitions: number, known: ReadonlyMap<string, number>): FileSplit[] {
  // The listing stat'ed a plain file path already (a batch's one input file).
  const sizes = files.map((f) => known.get(f) ?? statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const goal = total / Math.max(minPartitions, 1);
  const splitSize = Math.max(1, Math.min(goal, BLOCK_SIZE));
  const out: FileSplit[] = [];
  files.forEach((file, i) => {
    const size = sizes[i]!;
    let n = 1;
    if (size > 0) {
      let remaining = size;
      n = 0;
      while (remaining / splitSize > 1.1) {
        n++;
        remaining -= splitSize;
      }
      if (remaining > 0) n++;
    }
    for (let s = 0; s < n; s++) out.push({ file, index: s, of: n });
  });
  return out;
}

/**
 * The lines of text files (`sc.textFile`): a file, a directory (every file whose name does
 * not start with `.` or `_`, as Hadoop's `FileInputFormat` lists it for Spark) or a glob. Files are listed when the partitions are first needed (the first
 * job), as in Spark; at least one partition per file. A missing plain path fails naming it; a
 * glob matching nothing gives an empty RDD and a warning.
 */
export class TextFileRDD extends RDD<string> {
  private splits: FileSplit[] | undefined;

  constructor(sc: SparkContext, readonly path: string, private readonly minPartitions: number) {
    super(sc, [], 'textFile');
  }

  private getSplits(): FileSplit[] {
    if (this.splits === undefined) {
      const known = new Map<string, number>();
      const files = listInputFilesSync(this.path, known);
      if (files.length === 0) getLogger('TextFileRDD').warn(`textFile: no input files match ${this.path}; the RDD is empty`);
      this.splits = planSplits(files, this.minPartitions, known);
    }
    return this.splits;
  }

  protected getPartitions(): number { return this.getSplits().length; }

  compute(split: number): readonly string[] {
    const s = this.getSplits()[split]!;
    if (s.of === 1) return readTextLinesSync(s.file);
    // Only this split's lines are decoded (a worker thread owning one split of a file).
    return readTextLineSliceSync(s.file, s.index, s.of);
  }
}

/** The values written by `saveAsObjectFile` (`sc.objectFile`): one partition per part file. */
export class ObjectFileRDD<T> extends RDD<T> {
  private files: string[] | undefined;

  constructor(sc: SparkContext, readonly path: string) {
    super(sc, [], 'objectFile');
  }

  private getFiles(): string[] {
    if (this.files === undefined) {
      this.files = listInputFilesSync(this.path);
      if (this.files.length === 0) getLogger('ObjectFileRDD').warn(`objectFile: no input files match ${this.path}; the RDD is empty`);
    }
    return this.files;
  }

  protected getPartitions(): number { return this.getFiles().length; }

  compute(split: number): readonly T[] {
    const file = this.getFiles()[split]!;
    return decodeValues(readFileSync(file)) as T[];
  }
}
