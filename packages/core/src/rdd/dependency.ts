import type { Aggregator } from './aggregator.ts';
import type { Partitioner } from './partitioner.ts';
import type { RDD } from './rdd.ts';
import type { Ordering } from '../util/ordering.ts';
import type { MapSideGroup } from '../scheduler/map-side-group.ts';
import type { PartitionData } from './pair-columns.ts';

/**
 * An edge of the lineage: how an RDD's partitions depend on those of `rdd`, as Spark's
 * `Dependency`. Narrow dependencies are evaluated inside a task; a shuffle dependency is a
 * stage boundary.
 */
export abstract class Dependency<T = unknown> {
  constructor(readonly rdd: RDD<T>) {}
}

/** Each child partition depends on a known, small set of parent partitions. */
export abstract class NarrowDependency<T = unknown> extends Dependency<T> {
  /** The parent partitions that child partition `partitionId` reads. */
  abstract getParents(partitionId: number): number[];
}

/** Child partition i reads parent partition i. */
export class OneToOneDependency<T = unknown> extends NarrowDependency<T> {
  getParents(partitionId: number): number[] { return [partitionId]; }
}

/**
 * Child partitions `outStart .. outStart+length-1` read parent partitions
 * `inStart .. inStart+length-1` (used by `union`).
 */
export class RangeDependency<T = unknown> extends NarrowDependency<T> {
  constructor(rdd: RDD<T>, readonly inStart: number, readonly outStart: number, readonly length: number) {
    super(rdd);
  }
  getParents(partitionId: number): number[] {
    return partitionId >= this.outStart && partitionId < this.outStart + this.length ? [partitionId - this.outStart + this.inStart] : [];
  }
}

/** A narrow dependency given by a function (coalesce, cartesian, zipWithIndex). */
export class FunctionNarrowDependency<T = unknown> extends NarrowDependency<T> {
  constructor(rdd: RDD<T>, private readonly parents: (partitionId: number) => number[]) { super(rdd); }
  getParents(partitionId: number): number[] { return this.parents(partitionId); }
}

let nextShuffleId = 0;

/**
 * A shuffle: every child partition reads a block from every parent partition. The map side
 * buckets each parent partition's `[key, value]` records by `partitioner` (combining them
 * first with `aggregator` when `mapSideCombine`); the outputs stay here, so a second job over
 * the same lineage reuses them instead of recomputing the map stage.
 */
export class ShuffleDependency<K = unknown, V = unknown, C = unknown> extends Dependency<[K, V]> {
  readonly shuffleId = nextShuffleId++;
  /**
   * `mapOutputs[m][r]`: the records map partition m sends to reduce partition r (combined
   * pairs as columns, see `PairColumns`). @internal
   */
  mapOutputs: (PartitionData[] | undefined)[] = [];
  /** The shuffles whose map sides run in one pass with this one's (set for a batch's jobs). @internal */
  mapSideGroup: MapSideGroup | undefined = undefined;

  constructor(
    rdd: RDD<[K, V]>,
    readonly partitioner: Partitioner,
    readonly aggregator?: Aggregator<V, C>,
    readonly mapSideCombine = false,
    readonly keyOrdering?: Ordering<K>,
  ) {
    super(rdd);
    if (mapSideCombine && aggregator === undefined) throw new Error('Map-side combine needs an aggregator: pass one or set mapSideCombine to false');
  }

  /** True when every map partition's output is present. */
  get isAvailable(): boolean {
    const n = this.rdd.getNumPartitions();
    if (this.mapOutputs.length < n) return false;
    for (let i = 0; i < n; i++) if (this.mapOutputs[i] === undefined) return false;
    return true;
  }

  /** Drops the map outputs (they are recomputed if needed again). */
  clearMapOutputs(): void { this.mapOutputs = []; }
}
