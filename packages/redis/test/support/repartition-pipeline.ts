// One instance of a re-keying application on Redis Streams, run as a child process by
// repartition.test.ts: word counts per batch (reduceByKey into 3 partitions, not the topic's
// 4), running totals (updateStateByKey into 2 partitions), word-length counts over a 3 s window
// (reduceByKeyAndWindow with inverse), the number of words per batch (count(): a one-partition
// stage) and the batch's top 3 words (repartition(1) then sortBy). With `instances` > 0 it
// runs in group mode as instance `instance` of that many (a fixed split of the partitions);
// with 0, alone. Each output writes what this instance computed, as JSON, to
// `<outDir>/<output>-<batch ms>-<instance>.json`, on a manual clock of 1 s batches.
import { ManualClock, SparkConf } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext, type DStream } from '@kindling/dstream';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisStreamsUtils, type ConsumerRecord } from '../../src/index.ts';
import { RATE } from './repartition-feed.ts';

export interface GroupPipelineArgs {
  url: string;
  topic: string;
  checkpointDir: string;
  outDir: string;
  batches: number;
  instance: number;
  /** 0: one instance, no group mode. */
  instances: number;
  appName: string;
}

const args = JSON.parse(process.argv[2]!) as GroupPipelineArgs;
const add = (a: number, b: number): number => a + b;
const sub = (a: number, b: number): number => a - b;

function save<T>(stream: DStream<T>, name: string): void {
  stream.foreachRDD(async (rdd, time) => {
    const rows = await rdd.collect();
    writeFileSync(join(args.outDir, `${name}-${time.milliseconds}-${args.instance}.json`), JSON.stringify(rows));
  });
}

async function main(): Promise<void> {
  mkdirSync(args.outDir, { recursive: true });
  const conf = new SparkConf().setMaster('local[2]').setAppName(args.appName)
    .set('spark.streaming.clock', 'manual')
    .set('spark.streaming.kafka.maxRatePerPartition', String(RATE));
  if (args.instances > 0) {
    conf.set('spark.kindling.group.enabled', 'true')
      .set('spark.kindling.group.instances', String(args.instances))
      .set('spark.kindling.group.instance', String(args.instance))
      // The suite inspects the logs afterwards and replays a run from scratch on them.
      .set('spark.kindling.group.trimRepartitionLogs', 'false');
  }
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(args.checkpointDir);
  const messages = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([args.topic], { 'redis.url': args.url, 'group.id': args.appName, 'auto.offset.reset': 'earliest' }));
  const words = messages.flatMap((r: ConsumerRecord) => r.value().split(' ')).setName('words');
  const pairs = words.map((w) => [w, 1] as [string, number]).setName('pairs');
  const counts = pairs.reduceByKey(add, 3).setName('counts');
  const totals = pairs.updateStateByKey((values: number[], total: number | undefined) => values.reduce(add, total ?? 0), 2).setName('totals');
  const lengths = words.map((w) => [w.length, 1] as [number, number]).setName('lengths')
    .reduceByKeyAndWindow(add, sub, Seconds(3), Seconds(1), 2, (kv) => kv[1] !== 0).setName('lengthWindow');
  const wordCount = words.count().setName('wordCount');
  const top = counts.repartition(1).setName('countsInOne')
    .transform((rdd) => rdd.sortBy((kv) => `${String(1e6 - kv[1]).padStart(8, '0')} ${kv[0]}`, true, 1)).setName('top');
  save(counts, 'counts');
  save(totals, 'totals');
  save(lengths, 'lengths');
  save(wordCount, 'count');
  top.foreachRDD(async (rdd, time) => {
    const first = await rdd.take(3);
    writeFileSync(join(args.outDir, `top-${time.milliseconds}-${args.instance}.json`), JSON.stringify(first));
  });
  const clock = ssc.clock as ManualClock;
  await ssc.start();
  for (let k = 1; k <= args.batches; k++) await clock.advance(1000);
  await ssc.stop(true, true);
  process.stdout.write('done\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
