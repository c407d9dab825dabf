import type { InputDStream } from '../input/input-dstream.ts';
import type { GeneratorRecovery } from '../scheduler/batch-checkpointing.ts';
import type { MetadataCheckpoint } from './metadata-checkpoint.ts';
import type { WriteAheadLogBlockStore } from '../receiver/write-ahead-log-block-store.ts';

/**
 * What `StreamingContext.getOrCreate` decided when it recovered a context from a checkpoint:
 * a value the context holds and hands, at `start()`, to the job generator (where batches
 * resume) and to the checkpoint writer and retention (what the recovered run continues).
 * The streams' own data (checkpointed RDDs, input assignments and positions) was already put
 * back into the streams.
 */
export interface RecoveryPlan {
  /** The checkpoint directory read (absolute). */
  readonly checkpointDir: string;
  /** The metadata checkpoint file recovery used. */
  readonly checkpointFile: string;
  readonly checkpoint: MetadataCheckpoint;
  /** Where batch generation resumes: replayed batches, then those missed while down (lazily). */
  readonly generator: GeneratorRecovery;
  /** Batches generated and not completed as the recovered run starts: the replayed ones. */
  readonly pendingTimes: readonly number[];
  /** The latest batch time generated before the stop or crash. */
  readonly latestGeneratedTime: number;
  /** State shapes the checkpoint recorded, by current stream id: checked against the new program's. */
  readonly expectedStateShapes: ReadonlyMap<string, string>;
  /** Write-ahead logs read back for receiver streams, to continue. */
  readonly walStores: ReadonlyMap<InputDStream<unknown>, WriteAheadLogBlockStore>;
  /**
   * RDD checkpoint folders (relative to the checkpoint directory) that the metadata
   * checkpoints on disk refer to: kept until this run's own checkpoints replace those files.
   */
  readonly referencedFolders: ReadonlySet<string>;
  /** Run folders (`<uuid>`) the checkpoints on disk named as written by earlier runs. */
  readonly earlierRunFolders: ReadonlySet<string>;
}
