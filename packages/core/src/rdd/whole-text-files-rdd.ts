import { readFileSync } from 'node:fs';
import { WholeFilesRDD } from './whole-files-rdd.ts';
import type { SparkContext } from '../spark-context.ts';

/**
 * Whole text files as `[path, content]` pairs (`sc.wholeTextFiles`): see {@link WholeFilesRDD}
 * for how the files are listed and spread over partitions.
 */
export class WholeTextFilesRDD extends WholeFilesRDD<string> {
  constructor(sc: SparkContext, path: string, minPartitions: number) {
    super(sc, path, minPartitions, 'wholeTextFiles');
  }

  protected read(absolutePath: string): string { return readFileSync(absolutePath, 'utf8'); }
}
