import { describe, expect, it } from 'vitest';
import { Time } from '@kindling/core';
import { decodeValues, encodeValues } from '@kindling/io';
import { ImmutableStateMap } from './immutable-state-map.ts';
import { stateMapOf, updateMapWithStateRecord } from './map-with-state-record.ts';
import type { MapWithStateRecord, MappingFunction } from './map-with-state-record.ts';
import type { StateImpl } from './state.ts';

/** Adds the value to the state and emits `key:newState`. */
const adder: MappingFunction<string, number, number, string> = {
  call: (_t: Time, k: string, v: number | undefined, s: StateImpl<number>) => {
    s.update((s.getOption() ?? 0) + (v ?? 0));
    return `${k}:${s.get()}`;
  },
  emitAll: true,
};

const snapshot = (r: MapWithStateRecord<string, number, string>): [string, number][] =>
  [...stateMapOf(r, false).entries()].map((e) => [e.key, e.state] as [string, number]).sort();

describe('updateMapWithStateRecord', () => {
  it('never changes the previous record, so re-running a batch gives the same result', () => {
    const first = updateMapWithStateRecord(undefined, [['a', 1], ['b', 2]], adder, new Time(1000), undefined);
    const again1 = updateMapWithStateRecord(first.stateMap, [['a', 10]], adder, new Time(2000), undefined);
    const again2 = updateMapWithStateRecord(first.stateMap, [['a', 10]], adder, new Time(2000), undefined);
    expect(snapshot(first)).toEqual([['a', 1], ['b', 2]]);
    expect(snapshot(again1)).toEqual([['a', 11], ['b', 2]]);
    expect(snapshot(again2)).toEqual(snapshot(again1));
    expect(again1.mappedData).toEqual(['a:11']);
    expect(again2.mappedData).toEqual(['a:11']);
  });

  it('stamps updates with the batch time and times out keys idle since before the threshold', () => {
    const r1 = updateMapWithStateRecord(undefined, [['a', 1], ['b', 1]], adder, new Time(1000), -1000);
    const r2 = updateMapWithStateRecord(r1.stateMap, [['b', 1]], adder, new Time(2000), 0);
    expect(r2.stateMap.getEntry('b')?.updateTime).toBe(2000);
    expect(r2.stateMap.getEntry('a')?.updateTime).toBe(1000);
    const timingOut: MappingFunction<string, number, number, string> = {
      call: (t, k, v, s) => (s.isTimingOut() ? `${k} out at ${t.milliseconds}` : adder.call(t, k, v, s)),
      emitAll: true,
    };
    const r3 = updateMapWithStateRecord(r2.stateMap, [], timingOut, new Time(3000), 1500);
    expect(r3.mappedData).toEqual(['a out at 3000']);
    expect(snapshot(r3)).toEqual([['b', 2]]);
    expect(snapshot(r2)).toEqual([['a', 1], ['b', 2]]);
  });

  it('survives the checkpoint codec: the state map is stored as entries and rebuilt', () => {
    const r1 = updateMapWithStateRecord(undefined, [['a', 1], ['b', 2]], adder, new Time(1000), 0);
    const [decoded] = decodeValues(encodeValues([r1])) as MapWithStateRecord<string, number, string>[];
    expect(decoded!.mappedData).toEqual(['a:1', 'b:2']);
    const rebuilt = stateMapOf(decoded!, true);
    expect(rebuilt).toBeInstanceOf(ImmutableStateMap);
    expect([...rebuilt.entries()].map((e) => [e.key, e.state, e.updateTime]).sort()).toEqual([['a', 1, 1000], ['b', 2, 1000]]);
    // timeouts keep working on the rebuilt map
    expect(rebuilt.removeIdle(1001).map((e) => e.key).sort()).toEqual(['a', 'b']);
  });
});
