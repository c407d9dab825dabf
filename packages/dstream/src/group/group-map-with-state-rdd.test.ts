import { afterEach, describe, expect, it } from 'vitest';
import { HashPartitioner, SparkConf, SparkContext } from '@kindling/core';
import { stateMapOf } from '../state/map-with-state-record.ts';
import type { MapWithStateRecord, MappingFunction } from '../state/map-with-state-record.ts';
import { GroupMapWithStateRDD, mapStateChanges, storedMapStates } from './group-map-with-state-rdd.ts';
import type { GroupBatchPlan } from './group-runtime.ts';

let sc: SparkContext | undefined;
afterEach(async () => { await sc?.stop(); sc = undefined; });

const adder: MappingFunction<string, number, number, string> = {
  call: (t, k, v, s) => {
    if (s.isTimingOut()) return `${k} timed out at ${t.milliseconds} with ${s.get()}`;
    s.update((s.getOption() ?? 0) + (v ?? 0));
    return `${k}=${s.get()} at ${t.milliseconds}`;
  },
  emitAll: true,
};

function plan(time: number, owned: [number, number][], held: number[], restored?: Map<number, (readonly [unknown, unknown])[]>): GroupBatchPlan {
  return {
    time,
    owned: new Map(owned.map(([p, t]) => [p, { epoch: 1, batch: { time: t, fromOffset: 0, untilOffset: 1 } }])),
    held: new Set(held),
    restored: new Map(restored === undefined ? [] : [['sessions', restored]]),
  };
}

describe('GroupMapWithStateRDD (mapWithState in group mode)', () => {
  it('restores a taken-over partition\'s states and update times, runs a re-run batch at its recorded time (timeouts included), keeps held partitions, drops others', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('group-mws'));
    const hp = new HashPartitioner(2);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const p0 = keys.filter((k) => hp.getPartition(k) === 0);
    const p1 = keys.filter((k) => hp.getPartition(k) === 1);
    const [a, b] = p0 as [string, string];
    const [x] = p1 as [string];
    // Partition 0 taken over: a = 5, last written at batch 1000; timeout 2000 ms. Its recorded
    // batch 3500 re-runs at engine batch 9000 with a record of b: a idle since 1000 < 3500 - 2000 times out.
    const first = plan(9000, [[0, 3500]], [1], new Map([[0, [[a, [5, 1000]]]], [1, [[x, [7, 800]]]]]));
    const data1 = sc.parallelize<[string, number]>([[b, 2]], 1).partitionBy(hp);
    const rdd1 = new GroupMapWithStateRDD<string, number, number, string>(sc, undefined, data1, first, 'sessions', hp, adder, 2000);
    rdd1.persist();
    const records1 = (await rdd1.collect()) as MapWithStateRecord<string, number, string>[];
    expect(records1[0]!.mappedData).toEqual([`${b}=2 at 3500`, `${a} timed out at 3500 with 5`]);
    // Held partition 1 (restored in the same batch): its state carries over, its function does not run.
    expect(records1[1]!.mappedData).toEqual([]);
    const stored1 = new Map((await rdd1.mapPartitions(storedMapStates<string, number, string>, true).collect()));
    expect(stored1).toEqual(new Map([[b, [2, 3500]], [x, [7, 800]]]));
    // Next batch: partition 0 at its own new time 9400 (a starts over), partition 1 no longer owned.
    const second = plan(9400, [[0, 9400]], []);
    const data2 = sc.parallelize<[string, number]>([[a, 1], [b, 3]], 1).partitionBy(hp);
    const rdd2 = new GroupMapWithStateRDD<string, number, number, string>(sc, rdd1, data2, second, 'sessions', hp, adder, 2000);
    const records2 = (await rdd2.collect()) as MapWithStateRecord<string, number, string>[];
    expect(records2[0]!.mappedData).toEqual([`${a}=1 at 9400`, `${b}=5 at 9400`]);
    const states: [string, number, number][] = [];
    for (const r of records2) stateMapOf(r, true).forEach((k, s, t) => { states.push([k, s, t]); });
    expect(states.sort()).toEqual([[a, 1, 9400], [b, 5, 9400]].sort());
  });

  it('gives, for the commit, only the keys the batch changed (written, removed, timed out), whatever the state\'s size; applied to the previous state they give the new one', async () => {
    sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('group-mws'));
    const hp = new HashPartitioner(1);
    // 5,000 keys restored for partition 0, written at 1000; "r" is removed by the function, "t" times out (idle since 100, timeout 2000).
    const restored: (readonly [unknown, unknown])[] = Array.from({ length: 5000 }, (_, i) => [`k${i}`, [i, 1000]] as const);
    restored.push(['r', [1, 1000]], ['t', [9, 100]]);
    const remover: typeof adder = {
      call: (t, k, v, st) => {
        if (st.isTimingOut()) return `${k} timed out`;
        if (k === 'r') { st.remove(); return 'r removed'; }
        st.update((st.getOption() ?? 0) + (v ?? 0));
        return `${k}=${st.get()}`;
      },
      emitAll: true,
    };
    const data = sc.parallelize<[string, number]>([['k7', 1], ['new', 4], ['r', 1], ['k7', 2]], 1);
    const rdd = new GroupMapWithStateRDD<string, number, number, string>(sc, undefined, data, plan(2500, [[0, 2500]], [], new Map([[0, restored]])), 'sessions', hp, remover, 2000);
    rdd.persist();
    const changes = await rdd.mapPartitions(mapStateChanges<string, number, string>, true).collect();
    // k7 written twice (both rows give its final state), new written, r removed, t timed out: 5 rows, not 5,002.
    expect(changes.map((c) => JSON.stringify(c)).sort()).toEqual([
      ['k7', [10, 2500], true], ['k7', [10, 2500], true], ['new', [4, 2500], true], ['r', null, false], ['t', null, false],
    ].map((c) => JSON.stringify(c)).sort());
    // Applying them to the restored state gives the batch's state.
    const applied = new Map(restored.map(([k, v]) => [JSON.stringify(k), JSON.stringify(v)]));
    for (const [k, v, present] of changes) {
      if (present) applied.set(JSON.stringify(k), JSON.stringify(v));
      else applied.delete(JSON.stringify(k));
    }
    const after = new Map((await rdd.mapPartitions(storedMapStates<string, number, string>, true).collect()).map(([k, v]) => [JSON.stringify(k), JSON.stringify(v)]));
    expect(applied).toEqual(after);
  });
});
