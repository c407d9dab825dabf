import { afterEach, describe, expect, it } from 'vitest';
import { HashPartitioner, SparkConf, SparkContext, Time } from '@kindling/core';
import { MapWithStateRDD } from './map-with-state-rdd.ts';
import { stateMapOf } from './map-with-state-record.ts';
import type { MapWithStateRecord, MappingFunction } from './map-with-state-record.ts';

type KV = [string, number];
let sc: SparkContext | undefined;
afterEach(async () => { await sc?.stop(); sc = undefined; });

const adder: MappingFunction<string, number, number, string> = {
  call: (_t, k, v, s) => {
    if (s.isTimingOut()) return `${k} out at ${s.get()}`;
    s.update((s.getOption() ?? 0) + (v ?? 0));
    return `${k}=${s.get()}`;
  },
  emitAll: true,
};

async function stateOf(rdd: MapWithStateRDD<string, number, number, string>): Promise<KV[]> {
  const records = (await rdd.collect()) as MapWithStateRecord<string, number, string>[];
  const out: KV[] = [];
  for (const r of records) stateMapOf(r, false).forEach((k, s) => { out.push([k, s]); });
  return out.sort();
}

describe('MapWithStateRDD', () => {
  it('one record per partition, keys in the partition the partitioner gives them', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('mws-rdd'));
    const p = new HashPartitioner(3);
    const data = sc.parallelize<KV>([['a', 1], ['b', 2], ['c', 3], ['a', 4]], 2);
    const rdd = new MapWithStateRDD({ sc, previous: undefined, initialState: undefined, data, partitioner: p, mapping: adder, batchTime: new Time(1000), timeoutThreshold: undefined, streamName: 's' });
    const records = (await rdd.collect()) as MapWithStateRecord<string, number, string>[];
    expect(records).toHaveLength(3);
    records.forEach((r, i) => stateMapOf(r, false).forEach((k) => expect(p.getPartition(k)).toBe(i)));
    expect(await stateOf(rdd)).toEqual([['a', 5], ['b', 2], ['c', 3]]);
  });

  it('moves the state over when the previous batch is partitioned differently', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('mws-rdd'));
    const first = new MapWithStateRDD({
      sc, previous: undefined, initialState: undefined, data: sc.parallelize<KV>([['a', 1], ['b', 2], ['c', 3]], 2),
      partitioner: new HashPartitioner(2), mapping: adder, batchTime: new Time(1000), timeoutThreshold: undefined, streamName: 's',
    });
    const second = new MapWithStateRDD({
      sc, previous: first, initialState: undefined, data: sc.parallelize<KV>([['a', 10]], 1),
      partitioner: new HashPartitioner(3), mapping: adder, batchTime: new Time(2000), timeoutThreshold: undefined, streamName: 's',
    });
    expect(second.getNumPartitions()).toBe(3);
    expect(await stateOf(second)).toEqual([['a', 11], ['b', 2], ['c', 3]]);
    // the first batch is unchanged
    expect(await stateOf(first)).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('advances without data: only timeouts happen', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('mws-rdd'));
    const p = new HashPartitioner(1);
    const first = new MapWithStateRDD({
      sc, previous: undefined, initialState: sc.parallelize<KV>([['z', 7]], 1), data: sc.parallelize<KV>([['a', 1]], 1),
      partitioner: p, mapping: adder, batchTime: new Time(1000), timeoutThreshold: -1000, streamName: 's',
    });
    const second = new MapWithStateRDD({
      sc, previous: first, initialState: undefined, data: undefined,
      partitioner: p, mapping: adder, batchTime: new Time(3000), timeoutThreshold: 1500, streamName: 's',
    });
    const [r] = (await second.collect()) as MapWithStateRecord<string, number, string>[];
    // both a and z were stamped at 1000 < 1500: both time out, with their last state
    expect([...r!.mappedData].sort()).toEqual(['a out at 1', 'z out at 7']);
    expect(await stateOf(second)).toEqual([]);
  });
});
