import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeValues } from '@kindling/io';
import { RDD } from '../rdd/rdd.ts';
import { OneToOneDependency, type Dependency } from '../rdd/dependency.ts';
import type { Partitioner } from '../rdd/partitioner.ts';
import type { SparkContext } from '../spark-context.ts';

/** The file name of partition `i` in a checkpoint or object-file folder: `part-00042`. */
export function partFileName(i: number): string {
  return `part-${String(i).padStart(5, '0')}`;
}

/**
 * An RDD read back from checkpoint files (`<dir>/part-00000`, ...), written with the value
 * codec of `@kindling/io`. It has no parents: it is where a checkpointed lineage ends.
 */
export class ReliableCheckpointRDD<T> extends RDD<T> {
  /** `[OneToOneDependency(this)]`, the dependencies of the RDD this checkpoint replaced. @internal */
  readonly asDependencies: readonly Dependency[];

  constructor(
    sc: SparkContext,
    /** The folder holding the part files. */
    readonly checkpointPath: string,
    private readonly numParts: number,
    private readonly part: Partitioner | undefined,
  ) {
    super(sc, [], 'checkpoint');
    this.asDependencies = [new OneToOneDependency(this)];
  }

  override get partitioner(): Partitioner | undefined { return this.part; }

  protected getPartitions(): number { return this.numParts; }

  compute(split: number): readonly T[] {
    const file = join(this.checkpointPath, partFileName(split));
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new Error(`Checkpoint file ${file} is missing or unreadable: the checkpoint directory was changed or deleted while the RDD was in use`, { cause: e });
    }
    return decodeValues(bytes) as T[];
  }
}
