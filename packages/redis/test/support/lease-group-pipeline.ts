// One instance of a group-mode application on Redis Streams, run as a child process by
// group-mode.test.ts (several at once, in the style of the SIGKILL harness): it reads a
// 4-partition topic of keyed records in group mode (spark.kindling.group.enabled) on the
// system clock, and writes
//   events-<t>/part-<p>  one line "<key> <id>" per record (stateless),
//   totals-<t>/part-<p>  the running sum per key (updateStateByKey by the log's partitioner),
// with a slow output between the two (so a kill from outside can land mid-batch). With
// args.windowMs it also keeps the two other kinds of keyed state group mode commits:
//   sessions-<t>/part-<p>  "<key> <id> <n>" per record, n = the key's running count (mapWithState,
//                          with a timeout far beyond the run: update times are kept and restored),
//   windows-<t>/part-<p>   the per-key sum over the window (reduceByKeyAndWindow with an inverse
//                          function, sliding every batch, zero sums dropped).
// It prints
// "output <t> <n>" when that slow output starts on a non-empty batch, "owned <t> <p,...>"
// after each batch, and stops gracefully ("done") once the file args.stopFile exists.
import { HashPartitioner, Milliseconds, Minutes } from '@kindling/core';
import { StateSpec, type State } from '@kindling/dstream';
import { join } from 'node:path';
import type { ConsumerRecord } from '../../src/index.ts';
import { leaseContext, runChildMain, runUntilStopFile, type LeaseChildArgs } from './lease-child.ts';

export interface GroupPipelineArgs extends LeaseChildArgs {
  /** Sleep this long in the middle output of every non-empty batch. */
  slowMs: number;
  /** Also run mapWithState and an inverse window of this length (ms). */
  windowMs?: number;
}

const args = JSON.parse(process.argv[2]!) as GroupPipelineArgs;

async function main(): Promise<void> {
  const { ssc, records } = leaseContext(args, 'group-mode');
  records.map((r: ConsumerRecord) => `${r.key()} ${r.value()}`).saveAsTextFiles(join(args.outDir, 'events'));
  records.foreachRDD(async (rdd, time) => {
    const n = await rdd.count();
    if (n === 0) return;
    process.stdout.write(`output ${time.milliseconds} ${n}\n`);
    await new Promise((r) => setTimeout(r, args.slowMs));
  });
  const pairs = records.map((r: ConsumerRecord) => [r.key()!, Number(r.value()) % 10 + 1] as [string, number]);
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce((a, b) => a + b, total ?? 0), new HashPartitioner(args.partitions));
  totals.saveAsTextFiles(join(args.outDir, 'totals'));
  if (args.windowMs !== undefined) {
    const counting = (key: string, id: string | undefined, state: State<number>): string => {
      const n = (state.getOption() ?? 0) + 1;
      state.update(n);
      return `${key} ${id} ${n}`;
    };
    records.map((r: ConsumerRecord) => [r.key()!, r.value()!] as [string, string])
      .mapWithState(StateSpec.function(counting).partitioner(new HashPartitioner(args.partitions)).timeout(Minutes(60)))
      .saveAsTextFiles(join(args.outDir, 'sessions'));
    pairs.reduceByKeyAndWindow((a: number, b: number) => a + b, (a: number, b: number) => a - b, Milliseconds(args.windowMs), Milliseconds(args.batchMs), args.partitions, (kv: [string, number]) => kv[1] !== 0)
      .saveAsTextFiles(join(args.outDir, 'windows'));
  }
  ssc.addStreamingListener({
    onBatchCompleted: (e) => process.stdout.write(`owned ${e.batchInfo.batchTime.milliseconds} ${records.ownedPartitions.join(',')}\n`),
  });
  await runUntilStopFile(ssc, () => records.memberId, args.stopFile);
}

runChildMain(main);
