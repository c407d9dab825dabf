import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listInputFilesSync } from '@kindling/io';
import { RDD } from './rdd.ts';
import type { SparkContext } from '../spark-context.ts';
import { getLogger } from '../util/logger.ts';

/**
 * Whole text files as `[path, content]` pairs (`sc.wholeTextFiles`), the path written as
 * Spark writes it (`file:/absolute/path`). The files are listed at the first job as
 * `textFile` lists them (a directory gives every file whose name does not start with `.` or
 * `_`, as on Spark). They are
 * spread over about `minPartitions` partitions of consecutive files (never more partitions
 * than files).
 */
export class WholeTextFilesRDD extends RDD<[string, string]> {
  private groups: string[][] | undefined;

  constructor(sc: SparkContext, readonly path: string, private readonly minPartitions: number) {
    super(sc, [], 'wholeTextFiles');
  }

  private getGroups(): string[][] {
    if (this.groups === undefined) {
      const files = listInputFilesSync(this.path);
      if (files.length === 0) getLogger('WholeTextFilesRDD').warn(`wholeTextFiles: no input files match ${this.path}; the RDD is empty`);
      const n = Math.min(Math.max(this.minPartitions, 1), files.length);
      const groups: string[][] = [];
      for (let g = 0; g < n; g++) groups.push(files.slice(Math.floor((g * files.length) / n), Math.floor(((g + 1) * files.length) / n)));
      this.groups = groups;
    }
    return this.groups;
  }

  protected getPartitions(): number { return this.getGroups().length; }

  compute(split: number): readonly [string, string][] {
    const files = this.getGroups()[split]!;
    const out = new Array<[string, string]>(files.length);
    for (let i = 0; i < files.length; i++) out[i] = [`file:${resolve(files[i]!)}`, readFileSync(files[i]!, 'utf8')];
    return out;
  }
}
