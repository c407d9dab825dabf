// Load order for the RDD classes: the base first, then every module that registers itself
// in rdd/registry.ts (see docs/architecture.md). index.ts re-exports from here.
export { RDD, type PairRDD } from './rdd/rdd.ts';
export { MapPartitionsRDD } from './rdd/map-partitions-rdd.ts';
export { ShuffledRDD } from './rdd/shuffled-rdd.ts';
export { CoGroupedRDD } from './rdd/co-grouped-rdd.ts';
export { UnionRDD } from './rdd/union-rdd.ts';
export { PartitionerAwareUnionRDD } from './rdd/partitioner-aware-union-rdd.ts';
export { CoalescedRDD } from './rdd/coalesced-rdd.ts';
export { CartesianRDD } from './rdd/cartesian-rdd.ts';
export { ZippedWithIndexRDD } from './rdd/zipped-with-index-rdd.ts';
export { ZippedPartitionsRDD } from './rdd/zipped-partitions-rdd.ts';
export { RangePartitioner } from './rdd/range-partitioner.ts';
export { ParallelCollectionRDD, sliceCollection } from './rdd/parallel-collection-rdd.ts';
export { OwnedPartitionsRDD } from './rdd/owned-partitions-rdd.ts';
export { EmptyRDD } from './rdd/empty-rdd.ts';
export { TextFileRDD, ObjectFileRDD } from './rdd/text-file-rdd.ts';
export { WholeFilesRDD } from './rdd/whole-files-rdd.ts';
export { WholeTextFilesRDD } from './rdd/whole-text-files-rdd.ts';
export { BinaryFilesRDD, PortableDataStream } from './rdd/binary-files-rdd.ts';
export { RDDCheckpointData } from './checkpoint/rdd-checkpoint-data.ts';
export { ReliableCheckpointRDD, CorruptCheckpointPartError, checkpointPartMismatch } from './checkpoint/reliable-checkpoint-rdd.ts';
import './rdd/pair-functions.ts';
import './rdd/approximate-rdd-actions.ts';
import './rdd/async-rdd-actions.ts';
import './rdd/local-checkpoint.ts';
export { SampledByKeyExactRDD } from './rdd/sampled-by-key-exact-rdd.ts';
export { SparkContext, parseMaster } from './spark-context.ts';
