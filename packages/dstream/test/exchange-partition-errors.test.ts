import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashPartitioner, InvalidPartitionError, Partitioner, SparkConf, SparkContext, Time, type Aggregator } from '@kindling/core';
import { ExchangeRDD, type RepartitionBatch, type RepartitionLog } from '../src/index.ts';

// The exchange of a group's shuffle (through a repartition log) routes records with the
// shuffle's partitioner, as the core shuffle does. A partitioner answering outside
// 0..n-1 (or a fraction, NaN, a string) is refused as the core shuffle refuses it: an
// InvalidPartitionError naming the partitioner, the key and its answer, before anything is
// written to the log.

/** Sends every key to partition `to`, whatever its count. */
class FixedPartitioner extends Partitioner {
  constructor(readonly numPartitions: number, private readonly to: unknown) { super(); }
  getPartition(): number { return this.to as number; }
}

/** A repartition log in memory: one instance owning every partition. */
class MemoryLog implements RepartitionLog {
  readonly name = 'test-repartition';
  readonly writes: { source: number; blocks: readonly (readonly unknown[])[] }[] = [];
  constructor(readonly partitions: number) {}
  async writeMapOutput(_t: number, source: number, blocks: readonly (readonly unknown[])[]): Promise<void> { this.writes.push({ source, blocks }); }
  async readBatch(partition: number, _t: number, sources: number): Promise<RepartitionBatch> {
    const blocks: (readonly unknown[])[] = [];
    for (let s = 0; s < sources; s++) {
      const w = this.writes.find((x) => x.source === s);
      if (w === undefined) return { complete: false, missing: [s] };
      blocks.push(w.blocks[partition]!);
    }
    return { complete: true, blocks };
  }
  readRange(): Promise<RepartitionBatch> { throw new Error('not used'); }
  async firstBatchAfter(): Promise<number | undefined> { return undefined; }
  async release(): Promise<void> {}
  async trim(): Promise<number> { return 0; }
  async close(): Promise<void> {}
}

const sum: Aggregator<unknown, unknown> = {
  createCombiner: (v) => v,
  mergeValue: (c, v) => (c as number) + (v as number),
  mergeCombiners: (a, b) => (a as number) + (b as number),
};

describe('ExchangeRDD: a partitioner answering out of range', () => {
  let sc: SparkContext;
  let stop: AbortController;
  beforeEach(() => {
    sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('exchange-partition-errors'));
    stop = new AbortController();
  });
  afterEach(() => {
    stop.abort();
    sc.stop();
  });

  function exchange(partitioner: Partitioner, aggregator?: Aggregator<unknown, unknown>): { rdd: ExchangeRDD<[string, number]>; log: MemoryLog } {
    const log = new MemoryLog(partitioner.numPartitions);
    const parent = sc.parallelize<[string, number]>([['a', 1], ['b', 2], ['a', 3]], 2);
    const rdd = new ExchangeRDD<[string, number]>(parent, {
      log, batchTime: new Time(1000), streamName: 'counts', partitioner, aggregator,
      ownsSource: () => true, ownsTarget: () => true, signal: stop.signal,
    });
    return { rdd, log };
  }

  it('is refused naming the partitioner, the key and its answer, with and without map-side combining; nothing reaches the log', async () => {
    for (const to of [2, 7, -1, 0.5, Number.NaN, '1']) {
      for (const agg of [undefined, sum]) {
        const { rdd, log } = exchange(new FixedPartitioner(2, to), agg);
        const e = await rdd.collect().then(() => undefined, (x: unknown) => x as Error);
        expect(e, `answer ${String(to)}`).toBeDefined();
        expect(e!.name).toBe('RDDComputeError');
        expect(e!.cause).toBeInstanceOf(InvalidPartitionError);
        expect(e!.message).toMatch(/Failed to run repartition test-repartition on partition 0 of ParallelCollectionRDD/);
        expect(e!.message).toMatch(/The cause is the partitioner passed to this RDD/);
        expect(e!.message).toContain(`FixedPartitioner(2) returned partition ${String(to)} for key "a"; getPartition must return an integer in 0..1`);
        expect(e!.message).not.toMatch(/Cannot read properties|is not a function/);
        expect(log.writes).toEqual([]);
      }
    }
  });

  it('a partitioner with 0 partitions is refused saying so', async () => {
    const { rdd } = exchange(new FixedPartitioner(0, 0));
    const e = await rdd.collect().then(() => undefined, (x: unknown) => x as Error);
    expect(e?.message).toMatch(/FixedPartitioner\(0\) has 0 partitions: it cannot place the record with key "a"/);
  });

  it('a partitioner in range places every record where it says, combined by key', async () => {
    const { rdd } = exchange(new HashPartitioner(2), sum);
    const parts = await rdd.glom().collect();
    const hp = new HashPartitioner(2);
    expect(parts[hp.getPartition('a')]).toContainEqual(['a', 4]);
    expect(parts[hp.getPartition('b')]).toContainEqual(['b', 2]);
    expect(parts.flat().length).toBe(2);
  });
});
