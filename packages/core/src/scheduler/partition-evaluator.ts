import { NarrowDependency, OneToOneDependency, ShuffleDependency } from '../rdd/dependency.ts';
import { RDDComputeError } from '../rdd/rdd-compute-error.ts';
import { MissingMapOutputError } from './missing-map-output-error.ts';
import { collectChain, countChain, fusedChain, type FusedChain, type RecordCountingRDD } from '../rdd/record-pipeline.ts';
import type { RDD } from '../rdd/rdd.ts';
import type { TaskContext } from './task-context.ts';
import { recordsOf, type PartitionData } from '../rdd/pair-columns.ts';

// Memo keys pack (rdd id, partition) into one number.
const SPLIT_BITS = 2 ** 21;

function memoKey(rdd: RDD<unknown>, split: number): number { return rdd.id * SPLIT_BITS + split; }

/** The longest lineage {@link PartitionEvaluator}'s line path takes; deeper ones take the general walk. */
const MAX_LINE = 16;

interface Frame {
  rdd: RDD<unknown>;
  split: number;
  /** Memo keys of the parent partitions this frame reads; set when expanded. */
  parents: number[] | undefined;
  /** Set when this partition is computed by a fused chain of narrow operators. */
  fused: FusedChain | undefined;
  /** Set when this partition combines the blocks of a union's parents (see {@link unionBlocksOf}). */
  union: RDD<unknown> | undefined;
  /** With `fused`: this partition is the number of records the chain outputs (a count). */
  counting: boolean;
  /**
   * With `union`: the union's parents' partitions in order, those stored read at once (a
   * window's batches), `undefined` for those computed by frames of their own (`parents`, in
   * the same order).
   */
  blocks: (PartitionData | undefined)[] | undefined;
}

/** An RDD that can take its parent's partition as blocks (`MapPartitionsRDD.blocksKernel`). */
interface BlocksReader {
  readonly blocksKernel?: (split: number, blocks: readonly PartitionData[]) => PartitionData;
}

/**
 * The union whose parents' partitions `rdd` reads directly as blocks, instead of the union's
 * concatenated partition (a window's per-batch partitions re-reduced on every slide), when
 * `rdd` can and the union is neither kept nor checkpoint-marked.
 * @internal
 */
export function unionBlocksOf(rdd: RDD<unknown>): RDD<unknown> | undefined {
  if ((rdd as BlocksReader).blocksKernel === undefined) return undefined;
  const union = rdd.dependencies[0]?.rdd as RDD<unknown> | undefined;
  if (union === undefined || (union as { concatenatesParents?: boolean }).concatenatesParents !== true) return undefined;
  if (union.getStorageLevel().isValid || union.checkpointData !== undefined) return undefined;
  return union;
}

/**
 * A fused chain for `rdd` when it and its parent are both per-record operators; or, for an
 * RDD counting its parent's records, the chain of per-record operators below it (counted,
 * not materialised).
 */
function chainFor(rdd: RDD<unknown>): { chain: FusedChain; counting: boolean } | undefined {
  if ((rdd as RecordCountingRDD).countsParentRecords === true) {
    if (rdd.checkpointData?.checkpointRDD !== undefined) return undefined;
    const parent = rdd.dependencies[0]!.rdd as RDD<unknown>;
    const chain = fusedChain(parent);
    return chain.ops.length >= 1 && chain.ops[chain.ops.length - 1]!.rdd === parent ? { chain, counting: true } : undefined;
  }
  if ((rdd as { recordOp?: unknown }).recordOp === undefined) return undefined;
  const chain = fusedChain(rdd);
  return chain.ops.length >= 2 && chain.ops[chain.ops.length - 1]!.rdd === rdd ? { chain, counting: false } : undefined;
}

/**
 * Evaluates one partition of an RDD and, first, every narrow ancestor partition it needs,
 * with an explicit stack instead of recursion (a 10,000-deep lineage needs 10,000 frames of
 * an array, not of the call stack). Parent partitions are memoised for the task and released
 * as soon as every child that asked for them has been computed, so a long chain holds only a
 * couple of partitions at a time. Persisted partitions are read from the block store and
 * newly computed ones stored; shuffle reads come from map outputs computed beforehand.
 * @internal
 */
export class PartitionEvaluator implements TaskContext {
  private readonly memo = new Map<number, PartitionData>();
  private readonly refs = new Map<number, number>();
  private current: RDD<unknown> | undefined;

  constructor(readonly jobId: number, readonly stageId: number, readonly partitionId: number) {}

  parent<P = unknown>(depIndex: number, parentSplit: number): readonly P[] {
    return recordsOf(this.parentData(depIndex, parentSplit)) as readonly P[];
  }

  parentData(depIndex: number, parentSplit: number): PartitionData {
    const rdd = this.current!;
    const dep = rdd.dependencies[depIndex];
    if (dep === undefined) throw new Error(`${rdd.toString()} asked for dependency ${depIndex} but has ${rdd.dependencies.length}`);
    const data = this.memo.get(memoKey(dep.rdd, parentSplit));
    if (data === undefined) {
      throw new Error(
        `${rdd.toString()} read partition ${parentSplit} of ${dep.rdd.toString()}, which its dependency ${depIndex} does not list: ` +
          'make NarrowDependency.getParents return every parent partition that compute reads',
      );
    }
    return data;
  }

  shuffleRead<R = unknown>(depIndex: number, split: number): readonly (readonly R[])[] {
    return this.shuffleReadData(depIndex, split).map((b) => recordsOf(b) as readonly R[]);
  }

  shuffleReadData(depIndex: number, split: number): readonly PartitionData[] {
    const rdd = this.current!;
    const dep = rdd.dependencies[depIndex];
    if (!(dep instanceof ShuffleDependency)) throw new Error(`${rdd.toString()} read shuffle blocks from dependency ${depIndex}, which is not a ShuffleDependency`);
    const outputs = dep.mapOutputs;
    const n = dep.rdd.getNumPartitions();
    const blocks = new Array<PartitionData>(n);
    for (let m = 0; m < n; m++) {
      const out = outputs[m];
      const block = out?.[split];
      if (block === undefined) throw new MissingMapOutputError(rdd.describeForError(), dep.shuffleId, m, split);
      blocks[m] = block;
    }
    return blocks;
  }

  /** Partition `split` of `rdd` (see {@link unionBlocksOf}) from its union's parents' partitions, in order. */
  protected combineBlocks(rdd: RDD<unknown>, split: number, blocks: readonly PartitionData[]): PartitionData {
    return (rdd as BlocksReader).blocksKernel!(split, blocks);
  }

  /** A partition already available without computing it (persisted; subclasses add more). */
  protected storedPartition(rdd: RDD<unknown>, split: number): PartitionData | undefined { return rdd.getStoredData(split); }

  /**
   * Evaluates partition `split` of `root`. With `storeRoot` false, a freshly computed root
   * partition is not persisted (its readers all take it from this call).
   */
  evaluate<T>(root: RDD<T>, split: number, storeRoot = true): readonly T[] {
    return recordsOf(this.evaluateData(root, split, storeRoot) as PartitionData<T>);
  }

  /**
   * The partition of `root` when its lineage down to a source (an RDD without dependencies:
   * a collection, a file, a batch's block) or to a stored partition is a line: each RDD reads
   * one partition of one parent (one-to-one), or is a fused chain of per-record operators. That
   * is the whole lineage of a narrow-op program's action and of a shuffle's map side over its
   * input, every batch. It is computed bottom-up without the general walk's stack, frames,
   * parent lists and reference counts, with the same reads of stored partitions, the same
   * computations in the same order, the same stores and errors, and the root's partition
   * memoised as the walk leaves it. Undefined (nothing computed) for any other lineage.
   */
  private evaluateLine(root: RDD<unknown>, split: number, storeRoot: boolean): PartitionData | undefined {
    const memo = this.memo;
    const key = memoKey(root, split);
    if (memo.size > 0) return memo.get(key);
    // Levels from the root down, three slots each: the RDD, its fused chain, whether it counts.
    const line: (RDD<unknown> | FusedChain | boolean | undefined)[] = [];
    let r = root;
    let input: PartitionData | undefined;
    for (;;) {
      const stored = this.storedPartition(r, split);
      if (stored !== undefined) {
        input = stored;
        break;
      }
      const deps = r.dependencies;
      if (deps.length === 0) {
        line.push(r, undefined, false);
        break;
      }
      if (line.length >= 3 * MAX_LINE) return undefined;
      const fused = chainFor(r);
      if (fused !== undefined) {
        line.push(r, fused.chain, fused.counting);
        r = fused.chain.base;
        continue;
      }
      const dep = deps[0]!;
      if (deps.length > 1 || !(dep instanceof OneToOneDependency) || unionBlocksOf(r) !== undefined) return undefined;
      line.push(r, undefined, false);
      r = dep.rdd as RDD<unknown>;
    }
    // `r` is the RDD whose partition `input` is (undefined below a source).
    for (let i = line.length - 3; i >= 0; i -= 3) {
      const rdd = line[i] as RDD<unknown>;
      const chain = line[i + 1] as FusedChain | undefined;
      let data: PartitionData;
      if (chain !== undefined || input === undefined) data = this.computeFrame(rdd, split, chain, line[i + 2] as boolean, input);
      else {
        // Its compute reads the parent's partition through `parentData`.
        const pk = memoKey(r, split);
        memo.set(pk, input);
        try {
          data = this.computeFrame(rdd, split, undefined, false);
        } finally {
          memo.delete(pk);
        }
      }
      if (storeRoot || rdd !== root) rdd.onPartitionComputed(split, data);
      input = data;
      r = rdd;
    }
    memo.set(key, input!);
    return input;
  }

  /** One partition's computation: its fused chain over `input`, or the RDD's own `compute`; failures named after `rdd`. */
  private computeFrame(rdd: RDD<unknown>, split: number, chain: FusedChain | undefined, counting: boolean, input?: PartitionData): PartitionData {
    this.current = rdd;
    try {
      if (chain === undefined) return rdd.computeOrReadCheckpoint(split, this);
      const records = recordsOf(input!);
      return counting ? [countChain(chain, split, records)] : collectChain(chain, split, records);
    } catch (e) {
      if (e instanceof RDDComputeError) throw e;
      throw new RDDComputeError(rdd.describeForError(), split, 'compute', e);
    } finally {
      this.current = undefined;
    }
  }

  /** {@link PartitionEvaluator.evaluate} in the engine's own form (combined pairs may be columns). */
  evaluateData<T>(root: RDD<T>, split: number, storeRoot = true): PartitionData<T> {
    const direct = this.evaluateLine(root as RDD<unknown>, split, storeRoot);
    if (direct !== undefined) return direct as PartitionData<T>;
    const stack: Frame[] = [{ rdd: root as RDD<unknown>, split, parents: undefined, fused: undefined, union: undefined, counting: false, blocks: undefined }];
    const memo = this.memo;
    const refs = this.refs;
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      const key = memoKey(f.rdd, f.split);
      if (memo.has(key)) {
        stack.pop();
        continue;
      }
      if (f.parents === undefined) {
        const stored = this.storedPartition(f.rdd, f.split);
        if (stored !== undefined) {
          memo.set(key, stored);
          stack.pop();
          continue;
        }
        const parents: number[] = [];
        f.parents = parents;
        let pushed = false;
        const fused = chainFor(f.rdd);
        f.fused = fused?.chain;
        f.counting = fused?.counting ?? false;
        if (f.fused !== undefined) {
          const base = f.fused.base;
          const pk = memoKey(base, f.split);
          parents.push(pk);
          refs.set(pk, (refs.get(pk) ?? 0) + 1);
          if (!memo.has(pk)) {
            stack.push({ rdd: base, split: f.split, parents: undefined, fused: undefined, union: undefined, counting: false, blocks: undefined });
            continue;
          }
        }
        if (f.fused === undefined) f.union = unionBlocksOf(f.rdd);
        const deps = f.fused !== undefined ? [] : f.union !== undefined ? f.union.dependencies : f.rdd.dependencies;
        // A union's stored parents (a window's batches, all but the newest) are read here, not
        // through a frame, a memo entry and a reference count each.
        const blocks: (PartitionData | undefined)[] | undefined = f.union !== undefined ? [] : undefined;
        f.blocks = blocks;
        for (let d = 0; d < deps.length; d++) {
          const dep = deps[d]!;
          if (!(dep instanceof NarrowDependency)) continue;
          for (const ps of dep.getParents(f.split)) {
            if (blocks !== undefined) {
              const stored = this.storedPartition(dep.rdd as RDD<unknown>, ps);
              blocks.push(stored);
              if (stored !== undefined) continue;
            }
            const pk = memoKey(dep.rdd, ps);
            parents.push(pk);
            refs.set(pk, (refs.get(pk) ?? 0) + 1);
            if (!memo.has(pk)) {
              stack.push({ rdd: dep.rdd, split: ps, parents: undefined, fused: undefined, union: undefined, counting: false, blocks: undefined });
              pushed = true;
            }
          }
        }
        if (pushed) continue;
      }
      this.current = f.rdd;
      let data: PartitionData;
      try {
        if (f.fused !== undefined) {
          const base = recordsOf(memo.get(memoKey(f.fused.base, f.split))!);
          data = f.counting ? [countChain(f.fused, f.split, base)] : collectChain(f.fused, f.split, base);
        } else if (f.union !== undefined) {
          const blocks = f.blocks!;
          for (let i = 0, j = 0; i < blocks.length; i++) if (blocks[i] === undefined) blocks[i] = memo.get(f.parents[j++]!)!;
          data = this.combineBlocks(f.rdd, f.split, blocks as PartitionData[]);
        } else {
          data = f.rdd.computeOrReadCheckpoint(f.split, this);
        }
      } catch (e) {
        if (e instanceof RDDComputeError) throw e;
        throw new RDDComputeError(f.rdd.describeForError(), f.split, 'compute', e);
      } finally {
        this.current = undefined;
      }
      if (storeRoot || f.rdd !== root) f.rdd.onPartitionComputed(f.split, data);
      memo.set(key, data);
      stack.pop();
      for (const pk of f.parents) {
        const r = refs.get(pk)! - 1;
        if (r === 0) {
          refs.delete(pk);
          memo.delete(pk);
        } else refs.set(pk, r);
      }
    }
    return memo.get(memoKey(root as RDD<unknown>, split)) as PartitionData<T>;
  }
}
