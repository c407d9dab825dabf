// Type-only imports: the base RDD reaches its subclasses through this object, filled in by
// each subclass module when it loads (see docs/architecture.md), so there is no import cycle.
import type { MapPartitionsRDD } from './map-partitions-rdd.ts';
import type { ShuffledRDD } from './shuffled-rdd.ts';
import type { CoGroupedRDD } from './co-grouped-rdd.ts';
import type { UnionRDD } from './union-rdd.ts';
import type { PartitionerAwareUnionRDD } from './partitioner-aware-union-rdd.ts';
import type { CoalescedRDD } from './coalesced-rdd.ts';
import type { CartesianRDD } from './cartesian-rdd.ts';
import type { ZippedWithIndexRDD } from './zipped-with-index-rdd.ts';
import type { ZippedPartitionsRDD } from './zipped-partitions-rdd.ts';
import type { RangePartitioner } from './range-partitioner.ts';
import type { RDDCheckpointData } from '../checkpoint/rdd-checkpoint-data.ts';
import type * as PairFunctions from './pair-functions.ts';

/** @internal */
export const rddClasses = {} as {
  MapPartitionsRDD: typeof MapPartitionsRDD;
  ShuffledRDD: typeof ShuffledRDD;
  CoGroupedRDD: typeof CoGroupedRDD;
  UnionRDD: typeof UnionRDD;
  PartitionerAwareUnionRDD: typeof PartitionerAwareUnionRDD;
  CoalescedRDD: typeof CoalescedRDD;
  CartesianRDD: typeof CartesianRDD;
  ZippedWithIndexRDD: typeof ZippedWithIndexRDD;
  ZippedPartitionsRDD: typeof ZippedPartitionsRDD;
  RangePartitioner: typeof RangePartitioner;
  RDDCheckpointData: typeof RDDCheckpointData;
  pair: typeof PairFunctions;
};
