import { resolve } from 'node:path';
import { listInputFilesSync } from '@kindling/io';
import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';
import { getLogger } from '../util/logger.ts';

/**
 * Whole files as `[path, value]` pairs, the path written as Spark writes it
 * (`file:/absolute/path`) and the value read from the file by the subclass (`wholeTextFiles`:
 * its text; `binaryFiles`: a stream over its bytes). The files are listed at the first job as
 * `textFile` lists them (a directory gives every visible file: names not starting with `.` or
 * `_`, as on Spark). They are
 * spread over about `minPartitions` partitions of consecutive files (never more partitions
 * than files).
 */
export abstract class WholeFilesRDD<V> extends RDD<[string, V]> {
  private groups: string[][] | undefined;

  constructor(sc: SparkContext, readonly path: string, private readonly minPartitions: number, scope: string) {
    super(sc, [], scope);
  }

  /** The value of one file, from its absolute path. */
  protected abstract read(absolutePath: string): V;

  private getGroups(): string[][] {
    if (this.groups === undefined) {
      const files = listInputFilesSync(this.path);
      if (files.length === 0) getLogger(this.constructor.name).warn(`${this.scope}: no input files match ${this.path}; the RDD is empty`);
      const n = Math.min(Math.max(this.minPartitions, 1), files.length);
      const groups: string[][] = [];
      for (let g = 0; g < n; g++) groups.push(files.slice(Math.floor((g * files.length) / n), Math.floor(((g + 1) * files.length) / n)));
      this.groups = groups;
    }
    return this.groups;
  }

  protected getPartitions(): number { return this.getGroups().length; }

  compute(split: number): readonly [string, V][] {
    const files = this.getGroups()[split]!;
    const out = new Array<[string, V]>(files.length);
    for (let i = 0; i < files.length; i++) {
      const absolute = resolve(files[i]!);
      out[i] = [`file:${absolute}`, this.read(absolute)];
    }
    return out;
  }
}
