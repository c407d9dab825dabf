import { NarrowDependency } from '../rdd/dependency.ts';
import { MapPartitionsRDD } from '../rdd/map-partitions-rdd.ts';
import type { PartitionData } from '../rdd/pair-columns.ts';
import type { PrefixableBlocksKernel } from '../rdd/prefixable-blocks-kernel.ts';
import type { RDD } from '../rdd/rdd.ts';
import { PartitionEvaluator, unionBlocksOf } from './partition-evaluator.ts';

interface Prefix {
  readonly kernel: PrefixableBlocksKernel<unknown, unknown>;
  /** The blocks folded, in order (the union's first parents' stored partitions). */
  readonly blocks: readonly PartitionData[];
  readonly folded: unknown;
}

/**
 * Combines over a union's blocks (a window re-reduced without an inverse function) folded
 * ahead, one job at a time: while a worker thread waits for its peers' shuffle blocks of a
 * window's newest batch, it folds the window's older batches, whose partitions it already
 * holds, so the wait is not lost. The task then takes the fold and combines only the blocks
 * left ({@link PrefixableBlocksKernel}); a fold whose blocks are not exactly the ones the task
 * reads (the same arrays, in the same order) is ignored, so the result is always the task's
 * own.
 * @internal
 */
export class BlockPrefixes {
  private readonly byPartition = new Map<string, Prefix>();
  /** Folds a task took (and used) so far. */
  taken = 0;

  /**
   * For each partition `p` of `root` in `partitions`: folds the stored first blocks of every
   * prefixable union combine that computing partition `p` will run (found through the narrow
   * lineage, as a task would). Never throws: a fold whose user function fails is dropped, and
   * the task fails in its place, as it would have.
   */
  fold(root: RDD<unknown>, partitions: readonly number[]): void {
    for (const p of partitions) {
      const seen = new Set<string>();
      const stack: [RDD<unknown>, number][] = [[root, p]];
      while (stack.length > 0) {
        const [rdd, s] = stack.pop()!;
        const id = `${rdd.id}:${s}`;
        if (seen.has(id) || this.byPartition.has(id)) continue;
        seen.add(id);
        if (rdd.getStoredData(s) !== undefined) continue;
        const union = unionBlocksOf(rdd);
        if (union !== undefined) {
          this.foldUnion(rdd, union, s, id);
          continue;
        }
        for (const dep of rdd.dependencies) {
          if (dep instanceof NarrowDependency) for (const ps of dep.getParents(s)) stack.push([dep.rdd as RDD<unknown>, ps]);
        }
      }
    }
  }

  private foldUnion(rdd: RDD<unknown>, union: RDD<unknown>, split: number, id: string): void {
    const kernel = rdd instanceof MapPartitionsRDD ? (rdd as MapPartitionsRDD<unknown, unknown>).prefixableBlocks : undefined;
    if (kernel === undefined) return;
    // The union's parent partitions in the order a task reads them, up to the first not stored.
    const blocks: PartitionData[] = [];
    scan: for (const dep of union.dependencies) {
      if (!(dep instanceof NarrowDependency)) break;
      for (const ps of dep.getParents(split)) {
        const block = (dep.rdd as RDD<unknown>).getStoredData(ps);
        if (block === undefined) break scan;
        blocks.push(block);
      }
    }
    if (blocks.length === 0) return;
    let folded: unknown;
    try {
      folded = kernel.prefix(split, blocks);
    } catch {
      return;
    }
    if (folded !== undefined) this.byPartition.set(id, { kernel, blocks, folded });
  }

  /**
   * Partition `split` of `rdd` over `blocks` from its fold, when there is one over exactly
   * the first of these blocks (taken: a fold is used once); otherwise `undefined`.
   */
  take(rdd: RDD<unknown>, split: number, blocks: readonly PartitionData[]): PartitionData | undefined {
    const id = `${rdd.id}:${split}`;
    const prefix = this.byPartition.get(id);
    if (prefix === undefined) return undefined;
    this.byPartition.delete(id);
    const kernel = prefix.kernel;
    if ((rdd as MapPartitionsRDD<unknown, unknown>).prefixableBlocks !== kernel || !sameFirst(prefix.blocks, blocks)) {
      kernel.drop(prefix.folded);
      return undefined;
    }
    this.taken++;
    return kernel.finish(split, prefix.folded, blocks.slice(prefix.blocks.length));
  }

  /** Folds made so far and not taken. */
  get size(): number { return this.byPartition.size; }

  /** Drops every fold (at the end of a job). */
  clear(): void {
    for (const prefix of this.byPartition.values()) prefix.kernel.drop(prefix.folded);
    this.byPartition.clear();
  }
}

/** Whether `blocks` starts with exactly the arrays of `first`, in order. */
function sameFirst(first: readonly PartitionData[], blocks: readonly PartitionData[]): boolean {
  if (first.length > blocks.length) return false;
  for (let i = 0; i < first.length; i++) if (first[i] !== blocks[i]) return false;
  return true;
}

/** A task's evaluator that takes the union combines folded ahead in `prefixes`. @internal */
export class PrefixedEvaluator extends PartitionEvaluator {
  constructor(private readonly prefixes: BlockPrefixes, jobId: number, stageId: number, partitionId: number) {
    super(jobId, stageId, partitionId);
  }

  protected override combineBlocks(rdd: RDD<unknown>, split: number, blocks: readonly PartitionData[]): PartitionData {
    return this.prefixes.take(rdd, split, blocks) ?? super.combineBlocks(rdd, split, blocks);
  }
}
