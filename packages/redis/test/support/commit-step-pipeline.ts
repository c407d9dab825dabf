// One instance of a co-partitioned group-mode application on Redis Streams, run as a child
// process by group-commit-kill.test.ts, that can SIGKILL itself at a chosen step of a batch's
// commit. It reads a topic of keyed records whose values are numbers and writes
//   events-<t>/part-<p>  one line "<key> <value>" per record,
//   totals-<t>/part-<p>  "<key> <sum>": the running sum of the values per key (updateStateByKey
//                        named 'totals', by the log's partitioner).
// Steps (args.killAt), on a batch that read records (any batch with args.killOnEmpty):
//   'output'    at its first commit, before it reaches the store: every output written, nothing
//               committed,
//   'partial'   after a commit that did not complete the batch (another partition of it not
//               committed yet): the state and offsets of one partition committed, not the other's,
//   'complete'  after the commit that completed the batch (every partition committed it),
//               before its folders' `_SUCCESS`.
// It prints "started <member>", "killed <step> <partition> <time>" just before the kill, and
// stops gracefully ("done") once args.stopFile exists.
import { HashPartitioner } from '@kindling/core';
import type { PartitionCommit } from '@kindling/dstream';
import { join } from 'node:path';
import { RedisPartitionLeases, type ConsumerRecord } from '../../src/index.ts';
import { leaseContext, runChildMain, runUntilStopFile, type LeaseChildArgs } from './lease-child.ts';

export interface CommitStepArgs extends LeaseChildArgs {
  killAt?: 'output' | 'partial' | 'complete';
  /** Kill at the step on an empty batch's commit too. */
  killOnEmpty?: boolean;
}

const args = JSON.parse(process.argv[2]!) as CommitStepArgs;

function die(c: PartitionCommit): never {
  // Synchronous on a pipe (Linux), so the line is out before the signal.
  process.stdout.write(`killed ${args.killAt} ${c.partition} ${c.time}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

if (args.killAt !== undefined) {
  const commit = RedisPartitionLeases.prototype.commit;
  RedisPartitionLeases.prototype.commit = async function (this: RedisPartitionLeases, c: PartitionCommit) {
    const counts = args.killOnEmpty === true || c.untilOffset > c.fromOffset;
    if (counts && args.killAt === 'output') die(c);
    const outcome = await commit.call(this, c);
    if (counts && outcome.status === 'OK') {
      const completes = outcome.completeUpTo !== undefined && outcome.completeUpTo >= c.time;
      if (args.killAt === (completes ? 'complete' : 'partial')) die(c);
    }
    return outcome;
  };
}

async function main(): Promise<void> {
  const { ssc, records } = leaseContext(args, 'commit-step');
  records.map((r: ConsumerRecord) => `${r.key()} ${r.value()}`).saveAsTextFiles(join(args.outDir, 'events'));
  records.map((r: ConsumerRecord) => [r.key()!, Number(r.value())] as [string, number])
    .updateStateByKey((values: number[], total: number | undefined) => values.reduce((a, b) => a + b, total ?? 0), new HashPartitioner(args.partitions)).setName('totals')
    .map(([key, sum]) => `${key} ${sum}`)
    .saveAsTextFiles(join(args.outDir, 'totals'));
  await runUntilStopFile(ssc, () => records.memberId, args.stopFile);
}

runChildMain(main);
