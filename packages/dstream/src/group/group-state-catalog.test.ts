// The group's state catalog matched to a program's stateful streams (matchStateCatalog): the rule
// of a metadata checkpoint's recovery, name first, then structural key; what cannot match fails
// naming the state, and new streams never take an id another state is stored under.
import { describe, expect, it } from 'vitest';
import type { GroupStateStream } from '../input/log/partition-leases.ts';
import { matchStateCatalog } from './group-state-catalog.ts';
import { GroupStateMismatchError } from './group-state-mismatch-error.ts';

const entry = (id: string, structuralKey: string, extra: Partial<GroupStateStream> = {}): GroupStateStream =>
  ({ id, name: id, named: false, structuralKey, kind: 'updateStateByKey', slideMs: 1000, log: 't', ...extra });

describe('matchStateCatalog', () => {
  it('finds a shifted positional name by structure, a named stream by its name, and keeps a new stream off stored ids', () => {
    const stored = [entry('updateStateByKey#2', 'updateStateByKey(map(directStream@0))'), entry('totals', 'name:totals', { named: true })];
    const m = matchStateCatalog('g', 's', stored, [
      // A new state whose positional name is the one the old state was stored under.
      entry('updateStateByKey#2', 'updateStateByKey(filter(directStream@0))'),
      entry('updateStateByKey#3', 'updateStateByKey(map(directStream@0))'),
      entry('totals', 'name:totals', { named: true }),
    ]);
    expect([...m.storedAs]).toEqual([['updateStateByKey#3', 'updateStateByKey#2'], ['totals', 'totals'], ['updateStateByKey#2', 'updateStateByKey#2~1']]);
    expect(m.catalog.map((e) => [e.id, e.name])).toEqual([['updateStateByKey#2', 'updateStateByKey#3'], ['totals', 'totals'], ['updateStateByKey#2~1', 'updateStateByKey#2']]);
    expect(m.notes.join('\n')).toMatch(/'updateStateByKey#3' restores the group's state stored as 'updateStateByKey#2' \(matched by its place in the graph\)/);
    expect(m.notes.join('\n')).toMatch(/'updateStateByKey#2' \(updateStateByKey\) is new to the group: its state starts empty and is stored as 'updateStateByKey#2~1'/);
  });

  it('a stream named with the id an old state is stored under takes its place', () => {
    const m = matchStateCatalog('g', 's', [entry('updateStateByKey#2', 'updateStateByKey(map(directStream@0))')], [entry('updateStateByKey#2', 'name:updateStateByKey#2', { named: true })]);
    expect([...m.storedAs]).toEqual([['updateStateByKey#2', 'updateStateByKey#2']]);
    expect(m.notes).toEqual([]);
  });

  it('fails naming every state it cannot restore: gone, or of another kind, window or log', () => {
    const stored = [
      entry('updateStateByKey#2', 'updateStateByKey(map(directStream@0))'),
      entry('reduceByKeyAndWindow#4', 'reduceByKeyAndWindow(map(directStream@0))', { kind: 'reduceByKeyAndWindow', windowMs: 3000 }),
      entry('counts', 'name:counts', { named: true, log: 'app-counts-repartition' }),
    ];
    let e: unknown;
    try {
      matchStateCatalog('g', 'directStream#0', stored, [
        entry('reduceByKeyAndWindow#5', 'reduceByKeyAndWindow(map(directStream@0))', { kind: 'reduceByKeyAndWindow', windowMs: 4000 }),
        entry('counts', 'name:counts', { named: true, log: 'app-other-repartition' }),
      ]);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(GroupStateMismatchError);
    const err = e as GroupStateMismatchError;
    expect(err.differences).toEqual([
      "the group keeps the state of 'updateStateByKey#2' (updateStateByKey(map(directStream@0)), state on t), which is not in this instance's graph",
      "stream 'reduceByKeyAndWindow#5' matches the group's state 'reduceByKeyAndWindow#4' (reduceByKeyAndWindow(map(directStream@0)), state on t) by its place in the graph, but its window changed from 3000 to 4000 ms",
      "stream 'counts' matches the group's state 'counts' (updateStateByKey, state on app-counts-repartition) by its name, but its state lives on app-counts-repartition in the group but on app-other-repartition in this graph (a re-keying's repartition log is named after the stream)",
    ]);
    expect(err.message).toMatch(/^directStream#0: this instance's graph does not match the state group g keeps/);
  });
});
