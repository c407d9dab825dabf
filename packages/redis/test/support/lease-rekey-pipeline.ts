// One instance of a re-keying group-mode application on Redis Streams (leases, no fixed split),
// run as a child process by group-rekey-kill.test.ts: it reads a 4-partition topic of records
// keyed by name whose value is a running id, on the system clock, and writes
//   ids-<t>/part-<s>     the ids of source partition s's batch at time t (the source stage: what
//                        each source batch read, against which the test checks every other folder),
//   events-<t>/part-<j>  one line "<bucket>:<id>,<id>..." per bucket (groupByKey on id % 7 into
//                        3 partitions: a key other than the log's, routed through a repartition log),
//   totals-<t>/part-<j>  "<bucket> <sum> <calls>" per bucket: the running sum of (id % 10 + 1) and
//                        how many times the update function ran for the bucket (updateStateByKey
//                        into 2 partitions; its state is [sum, calls]),
//   rank-<t>/part-00000  "<bucket> <sum>" for every bucket of the running totals, largest sum
//                        first (the whole state ranked after repartition(1): a one-partition stage
//                        reading a re-keyed stage's state, which must never rank part of it),
//   count-<t>/part-00000 the number of records of the batch (count(): a one-partition stage),
//   whole-<t>/part-00000 every id of the batch (repartition(1): a one-partition stage),
//   top-<t>/part-00000   the 3 largest ids of the batch, largest first (sortBy after repartition(1)),
//   sessions-<t>/part-<j> "<bucket> <id>" per record and "<bucket> end <sum>" when a bucket's
//                        session (the sum of id % 10 + 1) times out, idle for 2.5 batches
//                        (mapWithState into 3 partitions),
//   snaps-<t>/part-<j>   "<bucket> <sum>" per open session after the batch (its state snapshots),
//   iwin-<t>/part-<j>    "<bucket> <sum>" of the last 3 batches, buckets with a positive sum
//                        (reduceByKeyAndWindow with an inverse function into 2 partitions),
//   win-<t>/part-<j>     the same, by a window without an inverse function over a re-keying's
//                        output (reduceByKey into 2 partitions, window, reduceByKey in place),
//   iwin2-<t>, win2-<t>  the same two over the last 4 batches, sliding every 2 batches: only at
//                        the partition's slide times (multiples of 2 batches from the group's zero),
// with a slow output on the source stage (so a kill from outside can land mid-batch). It prints
// "output <t> <n>" when that slow output starts on a non-empty batch, "submitted <t>" when a
// batch is generated (planned and queued), "stages <json>" once started (the repartition logs'
// owner names and partition counts, for the test to follow their commits), and stops gracefully
// ("done") once the file args.stopFile exists.
import { Milliseconds } from '@kindling/core';
import { StateSpec, type State } from '@kindling/dstream';
import { join } from 'node:path';
import type { ConsumerRecord } from '../../src/index.ts';
import type { GroupPipelineArgs } from './lease-group-pipeline.ts';
import { leaseContext, runChildMain, runUntilStopFile } from './lease-child.ts';

const args = JSON.parse(process.argv[2]!) as GroupPipelineArgs;

async function main(): Promise<void> {
  // The application's name prefixes its repartition logs: one per scenario (its group).
  const { ssc, records } = leaseContext(args, args.group);
  const ids = records.map((r: ConsumerRecord) => [Number(r.value()) % 7, Number(r.value())] as [number, number]).setName('ids');
  ids.groupByKey(3).setName('buckets')
    .map(([bucket, vs]) => `${bucket}:${[...vs].join(',')}`)
    .saveAsTextFiles(join(args.outDir, 'events'));
  const weights = ids.mapValues((id) => (id % 10) + 1);
  const totals = weights
    .updateStateByKey((values: number[], state: [number, number] | undefined): [number, number] => [values.reduce((a, b) => a + b, state?.[0] ?? 0), (state?.[1] ?? 0) + 1], 2).setName('totals');
  totals.map(([bucket, [sum, calls]]) => `${bucket} ${sum} ${calls}`)
    .saveAsTextFiles(join(args.outDir, 'totals'));
  // The whole state ranked in one partition: every bucket by sum, largest first (ties: smaller bucket first).
  totals.repartition(1).setName('ranked')
    .transform((rdd) => rdd.sortBy(([bucket, [sum]]) => sum * 8 + (7 - bucket), false, 1).map(([bucket, [sum]]) => `${bucket} ${sum}`))
    .saveAsTextFiles(join(args.outDir, 'rank'));
  records.count().setName('count').saveAsTextFiles(join(args.outDir, 'count'));
  records.map((r: ConsumerRecord) => r.value()).saveAsTextFiles(join(args.outDir, 'ids'));
  const whole = ids.map(([, id]) => id).repartition(1).setName('whole');
  whole.saveAsTextFiles(join(args.outDir, 'whole'));
  whole.transform((rdd) => rdd.sortBy((id) => id, false, 1).mapPartitions((it) => [...it].slice(0, 3))).setName('top')
    .saveAsTextFiles(join(args.outDir, 'top'));
  const sessions = ids.mapWithState(StateSpec.function((bucket: number, id: number | undefined, state: State<number>): string => {
    if (state.isTimingOut()) return `${bucket} end ${state.get()}`;
    state.update((state.getOption() ?? 0) + (id! % 10) + 1);
    return `${bucket} ${id}`;
  }).numPartitions(3).timeout(Milliseconds(args.batchMs * 2.5))).setName('sessions');
  sessions.saveAsTextFiles(join(args.outDir, 'sessions'));
  sessions.stateSnapshots().map(([bucket, sum]) => `${bucket} ${sum}`).saveAsTextFiles(join(args.outDir, 'snaps'));
  const window = Milliseconds(3 * args.batchMs);
  weights.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, window, Milliseconds(args.batchMs), 2, (kv) => kv[1] > 0).setName('iwin')
    .map(([bucket, sum]) => `${bucket} ${sum}`).saveAsTextFiles(join(args.outDir, 'iwin'));
  const winBase = weights.reduceByKey((a, b) => a + b, 2).setName('winBase');
  winBase.window(window).reduceByKey((a, b) => a + b, 2).setName('win')
    .map(([bucket, sum]) => `${bucket} ${sum}`).saveAsTextFiles(join(args.outDir, 'win'));
  // Sliding every 2 batches over the last 4: each partition has its window at its own slide times (a partition behind the batches after a takeover reaches them later).
  const slowWindow = Milliseconds(4 * args.batchMs);
  const slide = Milliseconds(2 * args.batchMs);
  weights.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, slowWindow, slide, 2, (kv) => kv[1] > 0).setName('iwin2')
    .map(([bucket, sum]) => `${bucket} ${sum}`).saveAsTextFiles(join(args.outDir, 'iwin2'));
  winBase.window(slowWindow, slide).reduceByKey((a, b) => a + b, 2).setName('win2')
    .map(([bucket, sum]) => `${bucket} ${sum}`).saveAsTextFiles(join(args.outDir, 'win2'));
  records.foreachRDD(async (rdd, time) => {
    const n = await rdd.count();
    if (n === 0) return;
    process.stdout.write(`output ${time.milliseconds} ${n}\n`);
    await new Promise((r) => setTimeout(r, args.slowMs));
  });
  ssc.addStreamingListener({ onBatchSubmitted: (e) => process.stdout.write(`submitted ${e.batchInfo.batchTime.milliseconds}\n`) });
  await runUntilStopFile(ssc, () => records.memberId, args.stopFile, () => {
    const stages = new Map<string, number>();
    for (const l of ssc.groupAssignment()?.logs ?? []) if (l.log !== args.topic) stages.set(l.ownerLog, l.partitions);
    process.stdout.write(`stages ${JSON.stringify([...stages])}\n`);
  });
}

runChildMain(main);
