import { HashPartitioner, type Partitioner, type RDD, type Time } from '@kindling/core';
import type { DStream } from '../dstream/dstream.ts';
import { NotCoPartitionedError } from './not-co-partitioned-error.ts';

/** Streams that keep every record in the RDD partition it came from (partition i stays log partition i). */
const PARTITION_LOCAL = new Set(['map', 'filter', 'flatMap', 'mapValues', 'flatMapValues', 'mapPartitions', 'glom', 'foreachRDD', 'mapWithState']);

/** Streams that shuffle by a partitioner (checked: it must be the log's) and read the log through partition-local operators. */
const KEYED = new Set(['combineByKey', 'updateStateByKey', 'internalMapWithState']);

/** A stream exposing the partitioner it shuffles by (and, for the states, what group mode cannot restore). */
interface KeyedStream {
  readonly keyPartitioner: Partitioner;
  readonly hasInitialRDD?: boolean;
  readonly hasInitialState?: boolean;
  readonly slideDuration: { readonly milliseconds: number };
  readonly dependencies: readonly { readonly slideDuration: { readonly milliseconds: number } }[];
}

/**
 * Checks, when a group-mode application starts, that every stream between the log and the
 * outputs computes from the partitions this instance owns without needing the others:
 * partition-local operators (`map`, `filter`, `flatMap`, `mapValues`, `flatMapValues`,
 * `mapPartitions`, `glom`, outputs), and shuffles/state (`reduceByKey`, `combineByKey`,
 * `updateStateByKey`, `mapWithState`) by `HashPartitioner(numPartitions)` whose input comes
 * from the log through partition-local operators only (each batch then checks that every key
 * is in the partition the producer's `HashPartitioner` put it in, see
 * {@link verifyKeyPlacement}), and `reduceByKeyAndWindow` with an inverse function (hence
 * `countByValueAndWindow`) by that partitioner, sliding every batch, over such a shuffle.
 * Anything else (windows without an inverse function, `countByWindow` (one partition),
 * `transform`, `union`, `repartition`, joins, a shuffle by another partitioner, a state with
 * an initial RDD) throws a {@link NotCoPartitionedError} naming the stream.
 *
 * This is the single place that decides what group mode can run; routing other shuffles
 * through repartition logs (issue 15, item 4) extends it.
 *
 * @param outputs the context's output streams.
 * @param source the log stream.
 * @param numPartitions the topic's partitions.
 */
export function checkGroupGraph(outputs: readonly DStream<unknown>[], source: DStream<unknown>, numPartitions: number): void {
  const log = new HashPartitioner(numPartitions);
  const seen = new Set<DStream<unknown>>();
  const visit = (s: DStream<unknown>): void => {
    if (seen.has(s)) return;
    seen.add(s);
    if (s === source) return;
    const kind = s.kind;
    const keyed = s as unknown as KeyedStream;
    if (KEYED.has(kind) || kind === 'reduceByKeyAndWindow') {
      const p = keyed.keyPartitioner;
      if (!log.equals(p)) {
        const fix = p.numPartitions === 1 && numPartitions > 1
          ? 'It gathers every record in one partition (as countByWindow and reduceByWindow do), which needs the partitions other instances own: with leases it goes through a repartition log when the graph can be cut into stages (the cause of this error, if set, says why it cannot); a fixed split (spark.kindling.group.instances and spark.kindling.group.instance) routes it through a repartition log, or run one instance.'
          : `Pass new HashPartitioner(${numPartitions}) (or ${numPartitions}) to the operation, and key it by the log record's key.`;
        throw new NotCoPartitionedError(s.describe(), `it is partitioned by ${String(p)} with ${p.numPartitions} partitions, not by the log's HashPartitioner(${numPartitions}). ${fix}`);
      }
      if (keyed.hasInitialRDD === true || keyed.hasInitialState === true) {
        throw new NotCoPartitionedError(s.describe(), 'its initial state RDD would be loaded whole by every instance, and group mode restores a partition\'s state from the log\'s store only. Drop the initial state (seed it from the log), or run one instance.');
      }
    }
    if (kind === 'reduceByKeyAndWindow') {
      const batch = keyed.dependencies[0]!.slideDuration.milliseconds;
      if (keyed.slideDuration.milliseconds !== batch) {
        throw new NotCoPartitionedError(s.describe(), `it slides every ${keyed.slideDuration.milliseconds} ms, not every batch (${batch} ms); kept with the log's partitions, an inverse window advances with each partition's batches (under group leases it is routed through a repartition log instead, see docs/log-sources.md). Slide it every batch, use group leases, or run one instance.`);
      }
    } else if (KEYED.has(kind)) {
      for (const d of s.dependencies) {
        if (!reachesThroughLocal(d, source)) {
          throw new NotCoPartitionedError(s.describe(), 'its input does not come from the log through partition-local operators only (map, filter, flatMap, mapValues...), so its keys cannot be checked against the log\'s partitions. With leases, re-keying goes through repartition logs when the graph can be cut into stages (the cause of this error, if set, says why it cannot); a fixed split (spark.kindling.group.instances and spark.kindling.group.instance) routes them through repartition logs.');
        }
      }
    } else if (!PARTITION_LOCAL.has(kind)) {
      throw new NotCoPartitionedError(s.describe(), `${kind} needs records of partitions other instances own (or keeps time windows of them). Group mode runs partition-local operators and shuffles/state by the log's HashPartitioner(${numPartitions}) only; with leases the rest goes through repartition logs when the graph can be cut into stages (the cause of this error, if set, says why it cannot); a fixed split (spark.kindling.group.instances and spark.kindling.group.instance) routes re-keying through repartition logs.`);
    }
    for (const d of s.dependencies) visit(d);
  };
  for (const o of outputs) visit(o);
}

function reachesThroughLocal(s: DStream<unknown>, source: DStream<unknown>): boolean {
  if (s === source) return true;
  if (!PARTITION_LOCAL.has(s.kind)) return false;
  return s.dependencies.length > 0 && s.dependencies.every((d) => reachesThroughLocal(d, source));
}

/**
 * The input of a group-mode shuffle, checked record by record: partition i (log partition i)
 * must hold only keys that `partitioner` (the log's `HashPartitioner(N)`) puts in partition i,
 * i.e. keys the producer wrote to that partition. A key elsewhere fails the batch with a
 * {@link NotCoPartitionedError} naming the stream, the key, both partitions and the batch.
 */
export function verifyKeyPlacement<K, V>(rdd: RDD<[K, V]>, partitioner: Partitioner, stream: string, time: Time): RDD<[K, V]> {
  return rdd.mapPartitionsWithIndex((index, it) => {
    const data: readonly [K, V][] = Array.isArray(it) ? it : [...it];
    for (let i = 0; i < data.length; i++) {
      const key = data[i]![0];
      const p = partitioner.getPartition(key);
      if (p !== index) {
        throw new NotCoPartitionedError(stream, `at batch ${time}, key ${JSON.stringify(key)} came from log partition ${index} but ${String(partitioner)} puts it in partition ${p}: key the stream by the log record's key (as the producer partitioned it).`);
      }
    }
    return data;
  }, true);
}
