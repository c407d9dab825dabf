// A partition's commit that fails (the store went down) or is refused, with later batches of the
// partition already recorded under the same epoch: those read on from where the failed batch
// ended, so the store would refuse each of them (OFFSET_MISMATCH, or fail again while down).
// Before, each was sent and logged, one error line per partition per batch for as long as the
// queue lasted; now the first failure's line names the stream, the partition, the batch and what
// follows, and the later batches are not sent (they run again under the partition's next owner).
// Driven with a scripted store: how many commits reach it and which lines are logged.
import { setLogSink } from '@kindling/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcquiredPartition, CommitOutcome, DescribeOutcome, GroupGrid, PartitionBatch, PartitionCommit, PartitionLeases } from '../input/log/partition-leases.ts';
import type { TopicPartition } from '../input/log/topic-partition.ts';
import { GroupCoordinator } from './group-coordinator.ts';

/** One member owning every partition; commits answered by `answer` (a throw: the store is down). */
class ScriptedLeases implements PartitionLeases {
  readonly memberId = 'm1';
  readonly commits: PartitionCommit[] = [];
  constructor(private readonly answer: (c: PartitionCommit) => CommitOutcome) {}
  async join(grid: GroupGrid): Promise<GroupGrid> { return grid; }
  async heartbeat(): Promise<string[]> { return [this.memberId]; }
  async acquire(): Promise<AcquiredPartition> { return { epoch: 1, next: 0, lastBatch: undefined, pending: [] }; }
  async renew(): Promise<boolean> { return true; }
  async describe(_tp: TopicPartition, _epoch: number, batch: PartitionBatch): Promise<DescribeOutcome> { return { status: 'RECORDED', batch }; }
  async loadState(): Promise<(readonly [string, string])[]> { return []; }
  async commit(c: PartitionCommit): Promise<CommitOutcome> {
    this.commits.push(c);
    return this.answer(c);
  }
  async release(): Promise<void> {}
  async leave(): Promise<void> {}
}

async function run(leases: ScriptedLeases): Promise<string[]> {
  const lines: string[] = [];
  setLogSink({ error: (m) => lines.push(`ERROR ${m}`), warn: (m) => lines.push(`WARN ${m}`), info: () => undefined, debug: () => undefined });
  const c = new GroupCoordinator({
    ownership: leases, sc: undefined as never, topic: 't', numPartitions: 2, leaseMs: 60_000, streamName: 'directStream#0',
    stateStreams: [], initialOffset: () => 0, maxRecords: () => 10, snapshotInterval: 10,
  });
  await c.join({ zeroTime: 0, batchMs: 1000, partitions: ['t-0', 't-1'] });
  // Four batches planned (each reads 10 records a partition) before the first one's outputs complete.
  for (let t = 1000; t <= 4000; t += 1000) await c.prepare(t, [{ earliest: 0, latest: 100 }, { earliest: 0, latest: 100 }]);
  for (let t = 1000; t <= 4000; t += 1000) c.batchDone(t, true);
  await c.stop();
  return lines;
}

afterEach(() => { setLogSink(undefined); });

describe('a commit that fails with later batches of the partition recorded', () => {
  it('the store down for partition 0\'s first commit, back for the rest: one line names it, the later batches of partition 0 are not sent', async () => {
    const leases = new ScriptedLeases((c) => {
      if (c.partition === 0 && c.time === 1000) throw new Error('connection lost');
      // Back up: the next offset is where partition 0's failed batch started.
      return c.partition === 0 ? { status: 'OFFSET_MISMATCH', expected: 0 } : { status: 'OK', completeUpTo: undefined };
    });
    const lines = await run(leases);
    expect(leases.commits.map((c) => `${c.partition}@${c.time}`)).toEqual(['0@1000', '1@1000', '1@2000', '1@3000', '1@4000']);
    const about0 = lines.filter((l) => l.includes('t-0'));
    expect(about0).toHaveLength(1);
    expect(about0[0]).toMatch(/^WARN GroupCoordinator: directStream#0: committing batch 1000 ms of t-0 \(offsets 0 to 10, epoch 1\) failed \(connection lost\); .* the ones it recorded after it under that epoch are not committed/);
    expect(lines.some((l) => l.includes('OFFSET_MISMATCH'))).toBe(false);
  });

  it('a refused commit (OFFSET_MISMATCH) is said once for the batches after it', async () => {
    const leases = new ScriptedLeases((c) => (c.partition === 1 ? { status: 'OFFSET_MISMATCH', expected: 5 } : { status: 'OK', completeUpTo: undefined }));
    const lines = await run(leases);
    expect(leases.commits.filter((c) => c.partition === 1).map((c) => c.time)).toEqual([1000]);
    const refusals = lines.filter((l) => l.includes('OFFSET_MISMATCH'));
    expect(refusals).toEqual([expect.stringMatching(/^ERROR GroupCoordinator: directStream#0: the commit of batch 1000 ms of t-1 \(offsets 0 to 10, epoch 1\) was refused: OFFSET_MISMATCH, the committed next offset is 5; .*not committed either/)]);
  });
});
