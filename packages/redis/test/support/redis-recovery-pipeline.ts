// A real streaming application on Redis Streams, run as a child process by
// redis-checkpoint-recovery.test.ts (the SIGKILL harness of packages/dstream/test, with a log
// source instead of a folder): each batch's lines are produced into a 3-partition topic just
// before the batch (idempotently: a restarted feeder only adds what each partition lacks),
// read with createDirectStream -> words -> updateStateByKey (running totals) and
// reduceByKeyAndWindow with inverse (4 s / 2 s) -> saveAsTextFiles, on a manual clock,
// recovered with StreamingContext.getOrCreate on every start. It can kill itself with
// SIGKILL at a given batch and phase.
import { HashPartitioner, ManualClock, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { join } from 'node:path';
import { RedisStreamsAdmin, RedisStreamsProducer, RedisStreamsUtils, type ConsumerRecord } from '../../src/index.ts';
import { batchLines, PARTITIONS } from './recovery-feed.ts';
import { addKillPoints, killIfAt } from '../../../dstream/test/support/kill-points.ts';

export type KillPhase = 'generated' | 'mid-output' | 'mid-output-checkpointed' | 'completed';

export interface RedisPipelineArgs {
  url: string;
  topic: string;
  checkpointDir: string;
  outDir: string;
  batches: number;
  killAt?: { time: number; phase: KillPhase };
  /** Sleep this long in an output of every batch (widens the window for kills from outside). */
  slowMs?: number;
}

const args = JSON.parse(process.argv[2]!) as RedisPipelineArgs;
const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;

function create(): StreamingContext {
  const conf = new SparkConf().setMaster('local[2]').setAppName('redis-recovery').set('spark.streaming.clock', 'manual');
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(args.checkpointDir);
  const messages = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([args.topic], { 'redis.url': args.url, 'group.id': 'recovery', 'auto.offset.reset': 'earliest', 'enable.auto.commit': 'true' }));
  const words = messages.flatMap((r: ConsumerRecord) => r.value().split(' ').filter((w) => w.length > 0));
  const pairs = words.map((w) => [w, 1] as [string, number]);
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce(add, total ?? 0)).checkpoint(Seconds(3));
  const windowed = pairs.reduceByKeyAndWindow(add, sub, Seconds(4), Seconds(2), 2, (kv) => kv[1] !== 0).checkpoint(Seconds(4));
  totals.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'totals'));
  totals.foreachRDD(async (_rdd, time) => {
    if (args.slowMs !== undefined) await new Promise((r) => setTimeout(r, args.slowMs));
    killIfAt(args.killAt, time.milliseconds, 'mid-output');
    if (args.killAt?.phase === 'mid-output-checkpointed' && args.killAt.time === time.milliseconds) {
      await new Promise((r) => setTimeout(r, 200));
      killIfAt(args.killAt, time.milliseconds, 'mid-output-checkpointed');
    }
  });
  windowed.transform((rdd) => rdd.sortByKey(true, 1)).saveAsTextFiles(join(args.outDir, 'window'));
  addKillPoints(ssc, args.killAt);
  return ssc;
}

/** Produces what each partition lacks of batches 1..k (so a restarted feeder never duplicates). */
async function feed(producer: RedisStreamsProducer, admin: RedisStreamsAdmin, k: number): Promise<void> {
  const hp = new HashPartitioner(PARTITIONS);
  const perPartition: { key: string; value: string }[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let b = 1; b <= k; b++) {
    batchLines(b).forEach((line, l) => {
      const key = `${b}/${l}`;
      perPartition[hp.getPartition(key)]!.push({ key, value: line });
    });
  }
  const d = await admin.describeTopic(args.topic);
  const missing: { key: string; value: string }[] = [];
  for (let p = 0; p < PARTITIONS; p++) missing.push(...perPartition[p]!.slice(d.partitions[p]!.endOffset));
  if (missing.length > 0) await producer.send(args.topic, missing);
}

async function main(): Promise<void> {
  const admin = new RedisStreamsAdmin({ url: args.url });
  const producer = new RedisStreamsProducer({ url: args.url });
  await admin.createTopic(args.topic, PARTITIONS);
  const ssc = await StreamingContext.getOrCreate(args.checkpointDir, create);
  const clock = ssc.clock as ManualClock;
  await ssc.start();
  process.stdout.write(`started at ${clock.getTimeMillis()}\n`);
  for (let k = Math.floor(clock.getTimeMillis() / 1000) + 1; k <= args.batches; k++) {
    await feed(producer, admin, k);
    await clock.advance(1000);
  }
  await ssc.stop(true, true);
  await producer.close();
  await admin.close();
  process.stdout.write('done\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
