import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
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
 * Why the bytes of checkpoint part `file` do not match the CRC-32 recorded when it was written
 * (`undefined` when they do).
 */
export function checkpointPartMismatch(file: string, bytes: Uint8Array, expectedCrc32: number): string | undefined {
  const actual = crc32(bytes);
  if (actual === expectedCrc32) return undefined;
  return `checkpoint file ${file} is damaged: its CRC-32 is ${hex(actual)} (${bytes.length} bytes), it was ${hex(expectedCrc32)} when written`;
}

function hex(n: number): string { return n.toString(16).padStart(8, '0'); }

/** A checkpoint part file that is missing, unreadable, or not the bytes that were written. */
export class CorruptCheckpointPartError extends Error {
  override readonly name = 'CorruptCheckpointPartError';
  /** Where the cause lies, for the `RDDComputeError` wrapping this one (see `blameOf`). */
  readonly blame = 'The cause is the checkpoint files, not a function passed to the RDD.';
  constructor(readonly file: string, reason: string, options?: { cause?: unknown }) {
    super(`${reason}. Recover from an older checkpoint (StreamingContext.getOrCreate falls back to one by itself) or restore the checkpoint directory from a backup.`, options);
  }
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
    /** The CRC-32 of every part file as written; each part read is checked against it. */
    readonly partChecksums?: readonly number[],
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
      throw new CorruptCheckpointPartError(file, `Checkpoint file ${file} is missing or unreadable: the checkpoint directory was changed or deleted while the RDD was in use`, { cause: e });
    }
    const expected = this.partChecksums?.[split];
    if (expected !== undefined) {
      const mismatch = checkpointPartMismatch(file, bytes, expected);
      if (mismatch !== undefined) throw new CorruptCheckpointPartError(file, mismatch);
    }
    return decodeValues(bytes) as T[];
  }
}
