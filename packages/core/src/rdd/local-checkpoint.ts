// Spark's `localCheckpoint` and `isLocallyCheckpointed`, added to `RDD` from here (as the
// approximate and asynchronous actions are), so that rdd.ts stays the core of the class.
import { RDD } from './rdd.ts';
import { RDDCheckpointData } from '../checkpoint/rdd-checkpoint-data.ts';
import { StorageLevel } from '../storage/storage-level.ts';
import { getLogger } from '../util/logger.ts';

declare module './rdd.ts' {
  interface RDD<T> {
    /**
     * Marks this RDD for local checkpointing, as Spark's `localCheckpoint`: it is persisted
     * (`MEMORY_AND_DISK`, or the level set already with disk use added), and after the next action that
     * computes it the partitions not persisted yet are computed and its lineage is cut, its
     * persisted blocks becoming the checkpoint. No checkpoint directory and no files: fast,
     * for long lineages (iterative algorithms), but not fault-tolerant; once the lineage is
     * cut, `unpersist()` loses the data and a later job fails saying so. `isCheckpointed` is
     * true once materialized; `getCheckpointFile()` stays `undefined`. Returns this.
     *
     * A local checkpoint of an RDD computed in the worker threads of `local[N]` fails its job
     * (the driver does not hold those blocks): use `checkpoint()` there.
     *
     * @example
     * ```ts
     * import assert from 'node:assert/strict';
     * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('iterate'));
     * let ranks = sc.parallelize([1, 2, 3, 4], 2);
     * for (let i = 0; i < 3; i++) ranks = ranks.map((x) => x * 2).localCheckpoint();
     * assert.equal(await ranks.sum(), 80);
     * assert.equal(ranks.isCheckpointed, true);
     * assert.equal(ranks.dependencies[0]!.rdd.scope, 'localCheckpoint');
     * sc.stop();
     * ```
     */
    localCheckpoint(): this;
    /** True once `localCheckpoint()` marked this RDD (materialized or not), as Spark's. */
    readonly isLocallyCheckpointed: boolean;
  }
}

RDD.prototype.localCheckpoint = function localCheckpoint<T>(this: RDD<T>) {
  const log = getLogger('RDD');
  if (this.isCheckpointed) {
    // Its lineage is cut already: the checkpoint it has must stay to read it back.
    log.warn(`Not marking ${this.toString()} for local checkpoint because it was already checkpointed and materialized`);
  } else if (this.checkpointData?.local !== true) {
    if (this.checkpointData !== undefined) log.warn(`${this.toString()} was already marked for reliable checkpointing: overriding with local checkpoint.`);
    this.checkpointData = new RDDCheckpointData<T>(this, true);
  }
  // The blocks are the checkpoint's only copy: persisted, with disk use (persist adds it).
  const level = this.getStorageLevel();
  if (level === StorageLevel.NONE) this.persist(StorageLevel.MEMORY_AND_DISK);
  else if (this.checkpointData?.local === true) this.persist(level);
  return this;
};

Object.defineProperty(RDD.prototype, 'isLocallyCheckpointed', {
  get(this: RDD<unknown>): boolean { return this.checkpointData?.local === true; },
  configurable: true,
});
