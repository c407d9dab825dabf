// The folders of a batch the group completed get `_SUCCESS` from the instance whose commit
// completed it, after that commit. Killed in between, they stayed unmarked until another commit
// answered, which never comes once the whole group has stopped: an instance now reads how far the
// group completed batches when it joins (its outputs mark those folders when they first run) and
// when it stops. Driven with a scripted store: what the outputs' listeners are told, and when.
import { describe, expect, it } from 'vitest';
import type { AcquiredPartition, CommitOutcome, DescribeOutcome, GroupGrid, PartitionBatch, PartitionLeases } from '../input/log/partition-leases.ts';
import type { TopicPartition } from '../input/log/topic-partition.ts';
import { GroupCoordinator } from './group-coordinator.ts';

/** One member; every partition held elsewhere (nothing acquired, nothing committed here); `completeUpTo` answers from `complete`. */
class CompletedElsewhere implements PartitionLeases {
  readonly memberId = 'm2';
  reads = 0;
  constructor(private readonly complete: (read: number) => number | undefined) {}
  async join(grid: GroupGrid): Promise<GroupGrid> { return grid; }
  async heartbeat(): Promise<string[]> { return ['m1', this.memberId]; }
  async acquire(): Promise<AcquiredPartition | undefined> { return undefined; }
  async renew(): Promise<boolean> { return true; }
  async describe(_tp: TopicPartition, _epoch: number, batch: PartitionBatch): Promise<DescribeOutcome> { return { status: 'RECORDED', batch }; }
  async loadState(): Promise<(readonly [string, string])[]> { return []; }
  async commit(): Promise<CommitOutcome> { throw new Error('nothing is committed in these tests'); }
  async completeUpTo(): Promise<number | undefined> { return this.complete(++this.reads); }
  async release(): Promise<void> {}
  async leave(): Promise<void> {}
}

function coordinator(leases: PartitionLeases, forwards = false): GroupCoordinator {
  return new GroupCoordinator({
    ownership: leases, sc: undefined as never, topic: 't', numPartitions: 2, leaseMs: 60_000, streamName: 'directStream#0',
    stateStreams: [], initialOffset: () => 0, maxRecords: () => 10, snapshotInterval: 10,
    ...(forwards ? { completed: async () => undefined } : {}),
  });
}

const grid = { zeroTime: 0, batchMs: 1000, partitions: ['t-0', 't-1'] };

describe('batches the group completed before an instance came or while it stopped', () => {
  it('an output registered after the join is told at once, before its registration resolves, how far the group completed batches', async () => {
    const c = coordinator(new CompletedElsewhere(() => 2000));
    await c.join(grid);
    const told: number[] = [];
    await c.onBatchComplete(async (upTo) => { told.push(upTo); });
    expect(told).toEqual([2000]);
    await c.stop();
    // Read again at stop: nothing newer, so nothing more.
    expect(told).toEqual([2000]);
  });

  it('a stopping instance reads it again: a batch another member completed and died before marking is told to the outputs', async () => {
    // Nothing complete at join (a partition had no commit yet); batch 3000 complete at stop (the other member's last commit).
    const leases = new CompletedElsewhere((read) => (read === 1 ? undefined : 3000));
    const c = coordinator(leases);
    await c.join(grid);
    const told: number[] = [];
    await c.onBatchComplete(async (upTo) => { told.push(upTo); });
    expect(told).toEqual([]);
    await c.stop();
    expect(told).toEqual([3000]);
    expect(leases.reads).toBe(2);
  });

  it('a repartition log\'s coordinator (its commits\' answers forwarded to the source\'s) does not read it', async () => {
    const leases = new CompletedElsewhere(() => 2000);
    const c = coordinator(leases, true);
    await c.join(grid);
    await c.stop();
    expect(leases.reads).toBe(0);
  });

  it('a group never complete (a partition without a commit) tells nothing', async () => {
    const c = coordinator(new CompletedElsewhere(() => undefined));
    await c.join(grid);
    const told: number[] = [];
    await c.onBatchComplete(async (upTo) => { told.push(upTo); });
    await c.stop();
    expect(told).toEqual([]);
  });
});
