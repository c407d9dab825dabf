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
// with a slow output on the source stage (so a kill from outside can land mid-batch). It prints
// "output <t> <n>" when that slow output starts on a non-empty batch, "submitted <t>" when a
// batch is generated (planned and queued), and stops gracefully
// ("done") once the file args.stopFile exists.
import { Milliseconds, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, StreamingContext } from '@kindling/dstream';
import { join } from 'node:path';
import { RedisStreamsUtils, type ConsumerRecord } from '../../src/index.ts';
import type { GroupPipelineArgs } from './lease-group-pipeline.ts';
import { runChildMain, runUntilStopFile } from './lease-child.ts';

const args = JSON.parse(process.argv[2]!) as GroupPipelineArgs;

async function main(): Promise<void> {
  // The application's name prefixes its repartition logs: one per scenario (its group).
  const conf = new SparkConf().setMaster('local[2]').setAppName(args.group)
    .set('spark.kindling.group.enabled', 'true')
    .set('spark.kindling.group.leaseTimeout', `${args.leaseMs}ms`);
  const ssc = new StreamingContext(conf, Milliseconds(args.batchMs));
  ssc.checkpoint(args.checkpointDir);
  const records = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([args.topic], { 'redis.url': args.url, 'group.id': args.group, 'auto.offset.reset': 'earliest' }));
  const ids = records.map((r: ConsumerRecord) => [Number(r.value()) % 7, Number(r.value())] as [number, number]).setName('ids');
  ids.groupByKey(3).setName('buckets')
    .map(([bucket, vs]) => `${bucket}:${[...vs].join(',')}`)
    .saveAsTextFiles(join(args.outDir, 'events'));
  const totals = ids.mapValues((id) => (id % 10) + 1)
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
  records.foreachRDD(async (rdd, time) => {
    const n = await rdd.count();
    if (n === 0) return;
    process.stdout.write(`output ${time.milliseconds} ${n}\n`);
    await new Promise((r) => setTimeout(r, args.slowMs));
  });
  ssc.addStreamingListener({ onBatchSubmitted: (e) => process.stdout.write(`submitted ${e.batchInfo.batchTime.milliseconds}\n`) });
  await runUntilStopFile(ssc, () => records.memberId, args.stopFile);
}

runChildMain(main);
