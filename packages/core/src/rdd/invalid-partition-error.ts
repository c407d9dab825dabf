import type { Partitioner } from './partitioner.ts';

/**
 * A shuffle could not place a record: its partitioner has no partitions (a count of 0, which
 * Spark accepts only for an input with no records, as `emptyRDD().reduceByKey(f)` gives) or
 * gave a partition outside `0..numPartitions-1`. Spark fails the task too (division by zero,
 * or an index out of bounds); this names the partitioner, the key and what it returned.
 *
 * `blame` says where the cause lies (the RDD's partition count, or the partitioner), so that
 * the `RDDComputeError` wrapping it does not blame a function passed to the RDD.
 */
export class InvalidPartitionError extends RangeError {
  override readonly name = 'InvalidPartitionError';
  readonly blame: string;
  constructor(readonly partitioner: string, readonly numPartitions: number, key: unknown, returned: number) {
    super(
      numPartitions === 0
        ? `${partitioner} has 0 partitions: it cannot place the record with key ${show(key)}. ` +
            'A partition count of 0 only fits an input with no records; pass numPartitions >= 1'
        : `${partitioner} returned partition ${returned} for key ${show(key)}; getPartition must return an integer in 0..${numPartitions - 1}`,
    );
    this.blame =
      numPartitions === 0
        ? 'The cause is the partition count passed to this RDD (0), not a function passed to it.'
        : "The cause is the partitioner passed to this RDD (its getPartition or numPartitions); fix it.";
  }
}

/**
 * The error for a key that `part` placed at `returned`, not a partition it has (the core
 * shuffle's, and any other exchange routing records with a partitioner).
 */
export function invalidPartition(part: Partitioner, key: unknown, returned: number): InvalidPartitionError {
  return new InvalidPartitionError(describePartitioner(part), part.numPartitions, key, returned);
}

function describePartitioner(part: Partitioner): string {
  const s = String(part);
  return s === '[object Object]' ? `${part.constructor.name}(${part.numPartitions})` : s;
}

function show(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}...` : key);
  try {
    const s = String(key);
    return s.length > 60 ? `${s.slice(0, 60)}...` : s;
  } catch {
    return typeof key;
  }
}
