import { statSync, readFileSync } from 'node:fs';
import { decodeValues, listInputFilesSync, readTextLineRangeSync, readTextLinesSync } from '@kindling/io';
import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';
import { getLogger } from '../util/logger.ts';

interface FileSplit {
  readonly file: string;
  /** The split's bytes `[start, end)`, by Hadoop's rule; the file's last split has `end` Infinity (to the end of the file as read). */
  readonly start: number;
  readonly end: number;
}

const BLOCK_SIZE = 32 * 1024 * 1024;
/** Hadoop's `SPLIT_SLOP`: a file's last split may be up to 10% larger than the others. */
const SPLIT_SLOP = 1.1;

/**
 * Hadoop's `FileInputFormat.getSplits`, as Spark's `textFile` gets them: a goal of
 * `floor(totalSize / minPartitions)` bytes, capped at a block, cut from each file's start
 * while more than 1.1 splits remain, the rest one split (an empty file one empty split).
 * Each split owns the lines that start in it (`readTextLineRangeSync`).
 */
function planSplits(files: readonly string[], minPartitions: number, known: ReadonlyMap<string, number>): FileSplit[] {
  // The listing stat'ed a plain file path already (a batch's one input file).
  const sizes = files.map((f) => known.get(f) ?? statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const goal = Math.floor(total / Math.max(minPartitions, 1));
  const splitSize = Math.max(1, Math.min(goal, BLOCK_SIZE));
  const out: FileSplit[] = [];
  files.forEach((file, i) => {
    const size = sizes[i]!;
    let remaining = size;
    while (remaining / splitSize > SPLIT_SLOP) {
      out.push({ file, start: size - remaining, end: size - remaining + splitSize });
      remaining -= splitSize;
    }
    out.push({ file, start: size - remaining, end: Infinity });
  });
  return out;
}

/**
 * The lines of text files (`sc.textFile`): a file, a directory (every file whose name does
 * not start with `.` or `_`, as Hadoop's `FileInputFormat` lists it for Spark) or a glob. Files are listed when the partitions are first needed (the first
 * job), as in Spark; at least one partition per file. A missing plain path fails naming it; a
 * glob matching nothing gives an empty RDD and a warning. A file larger than the split size is
 * read as several partitions by byte ranges, each holding the lines that start in it (Hadoop's
 * `LineRecordReader`), so a partition's lines are Spark's.
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
    if (s.start === 0 && s.end === Infinity) return readTextLinesSync(s.file);
    // Only this split's bytes (and its last line's tail) are read and decoded: the worker
    // threads of local[N], each owning some splits of a file, read it once between them.
    return readTextLineRangeSync(s.file, s.start, s.end);
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
