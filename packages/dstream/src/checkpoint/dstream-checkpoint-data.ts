import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HashPartitioner, ReliableCheckpointRDD } from '@kindling/core';
import type { RDD } from '@kindling/core';
import type { DStream } from '../dstream/dstream.ts';
import type { CheckpointedRDDDescriptor, PartitionerDescriptor } from './metadata-checkpoint.ts';

/** One checkpointed RDD of a stream: its folder (absolute) and what a checkpoint records of it. */
interface CheckpointFolder {
  readonly dir: string;
  readonly numPartitions: number;
  readonly partitioner: PartitionerDescriptor | undefined;
  readonly checksums: readonly number[] | undefined;
}

/** A partitioner as checkpoint data: only hash partitioners are rebuilt; others become a reshuffle. */
export function describePartitioner(rdd: RDD<unknown>): PartitionerDescriptor | undefined {
  const p = rdd.partitioner;
  if (p === undefined) return undefined;
  return { kind: p instanceof HashPartitioner ? 'hash' : 'other', numPartitions: p.numPartitions };
}

/** CRC-32s as the checkpoint's 8-hex-digit strings, and back. */
export function checksumsToHex(crcs: readonly number[]): string[] { return crcs.map((c) => c.toString(16).padStart(8, '0')); }
export function checksumsFromHex(hex: readonly string[]): number[] { return hex.map((h) => Number.parseInt(h, 16)); }

/**
 * What one stream checkpoints, restores and deletes (Spark's `DStreamCheckpointData`): the
 * folders its checkpointed RDDs were written to, by batch time. The stream records them after
 * each batch ({@link update}); a metadata checkpoint records the latest ({@link latest});
 * recovery puts a checkpointed RDD back ({@link restore}); retention deletes folders that no
 * retained metadata checkpoint needs any more ({@link forgetUnreferenced}). The stream itself
 * deletes nothing.
 */
export class DStreamCheckpointData {
  private readonly folders = new Map<number, CheckpointFolder>();

  constructor(private readonly stream: DStream<unknown>) {}

  /** Records the folders of generated RDDs whose checkpoint has been written since the last call. */
  update(): void {
    if (this.stream.checkpointDuration === undefined) return;
    for (const [t, rdd] of this.stream.generatedRDDs) {
      if (this.folders.has(t)) continue;
      const written = rdd.checkpointData?.checkpointRDD;
      // A local checkpoint (rdd.localCheckpoint() in a transform) has no folder to recover from.
      if (written?.checkpointPath === undefined) continue;
      this.folders.set(t, {
        dir: resolve(written.checkpointPath),
        numPartitions: written.getNumPartitions(),
        partitioner: describePartitioner(rdd as RDD<unknown>),
        checksums: written.partChecksums,
      });
    }
  }

  /** Checkpoint folders kept so far, by batch time (ms). */
  get foldersByTime(): ReadonlyMap<number, string> {
    return new Map([...this.folders].map(([t, f]) => [t, f.dir]));
  }

  /** The batch time (ms) of the latest checkpointed RDD, or undefined when there is none. */
  latestTime(): number | undefined {
    let latest: number | undefined;
    for (const t of this.folders.keys()) if (latest === undefined || t > latest) latest = t;
    return latest;
  }

  /**
   * The latest checkpointed RDD as checkpoint data, its path relative to `checkpointDir`
   * (undefined when there is none, or it lies outside: it cannot be recovered from there).
   */
  latest(checkpointDir: string): CheckpointedRDDDescriptor | undefined {
    const t = this.latestTime();
    if (t === undefined) return undefined;
    const f = this.folders.get(t)!;
    const path = relativeInside(checkpointDir, f.dir);
    if (path === undefined) return undefined;
    return { time: t, path, numPartitions: f.numPartitions, partitioner: f.partitioner, checksums: f.checksums === undefined ? undefined : checksumsToHex(f.checksums) };
  }

  /**
   * Puts a checkpointed RDD back as the stream's RDD of its batch time (read lazily from its
   * files, each part verified against its checksum), before the context starts.
   */
  restore(d: CheckpointedRDDDescriptor, checkpointDir: string): void {
    const dir = resolve(checkpointDir, d.path);
    const partitioner = d.partitioner?.kind === 'hash' ? new HashPartitioner(d.partitioner.numPartitions) : undefined;
    const checksums = d.checksums === undefined ? undefined : checksumsFromHex(d.checksums);
    const rdd = new ReliableCheckpointRDD<unknown>(this.stream.context.sparkContext, dir, d.numPartitions, partitioner, checksums);
    this.stream.restoreGeneratedRDD(d.time, rdd);
    this.folders.set(d.time, { dir, numPartitions: d.numPartitions, partitioner: d.partitioner, checksums });
  }

  /**
   * Forgets the folders this stream no longer needs and returns those to delete (absolute):
   * older than its latest, their RDD forgotten (a newer checkpoint cuts every retained
   * lineage), not referenced by any retained metadata checkpoint (`referenced`: paths
   * relative to `checkpointDir`), and inside `checkpointDir` (a folder outside it is
   * forgotten, never deleted). Retention deletes them.
   */
  forgetUnreferenced(checkpointDir: string, referenced: ReadonlySet<string>): string[] {
    const latest = this.latestTime();
    const toDelete: string[] = [];
    for (const [t, f] of this.folders) {
      if (t === latest || this.stream.generatedRDDs.has(t)) continue;
      const rel = relativeInside(checkpointDir, f.dir);
      if (rel !== undefined && referenced.has(rel)) continue;
      this.folders.delete(t);
      if (rel !== undefined) toDelete.push(join(checkpointDir, rel));
    }
    return toDelete;
  }

  /**
   * Whether {@link forgetUnreferenced} keeps a folder of this stream only because `held`
   * (paths relative to `checkpointDir`) names it: a folder older than the latest, whose RDD
   * the stream no longer remembers.
   */
  keepsOnlyFor(checkpointDir: string, held: ReadonlySet<string>): boolean {
    const latest = this.latestTime();
    for (const [t, f] of this.folders) {
      if (t === latest || this.stream.generatedRDDs.has(t)) continue;
      const rel = relativeInside(checkpointDir, f.dir);
      if (rel !== undefined && held.has(rel)) return true;
    }
    return false;
  }
}

/**
 * Answers of {@link relativeInside} for absolute paths (which do not depend on the working
 * directory), by `dir` then `path`. Each batch's checkpoint asks about the same few state
 * folders several times (its capture, the graph's description, retention), and each answer
 * computed afresh resolved both paths and split the result twice. Emptied when it grows past
 * {@link RELATIVE_MEMO_LIMIT} answers, so that it stays small.
 */
const relativeMemo = new Map<string, Map<string, string | undefined>>();
let relativeMemoSize = 0;
const RELATIVE_MEMO_LIMIT = 256;

/** `path` relative to `dir` with `/` separators, or undefined when it is not inside `dir`. */
export function relativeInside(dir: string, path: string): string | undefined {
  if (!isAbsolute(dir) || !isAbsolute(path)) return computeRelativeInside(dir, path);
  let byPath = relativeMemo.get(dir);
  if (byPath === undefined) relativeMemo.set(dir, (byPath = new Map()));
  else if (byPath.has(path)) return byPath.get(path);
  const rel = computeRelativeInside(dir, path);
  if (relativeMemoSize >= RELATIVE_MEMO_LIMIT) {
    relativeMemo.clear();
    relativeMemoSize = 0;
    relativeMemo.set(dir, byPath = new Map());
  }
  byPath.set(path, rel);
  relativeMemoSize++;
  return rel;
}

function computeRelativeInside(dir: string, path: string): string | undefined {
  const rel = relative(resolve(dir), resolve(path));
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}
