// One instance of the group benchmark (`pnpm bench:redis`, "group" section), run as a child
// process: a re-keying job over the order lines of a pre-filled topic (shares per stock symbol,
// reduceByKey into 4 partitions; running volume per client, updateStateByKey into 4; the batch's
// order count, a one-partition stage), instance `instance` of `instances` (a fixed split), on a
// manual clock advanced batch after batch as fast as the batches run. Prints one JSON line:
// records read by this instance, wall time of the run, and each batch's time from advance() to
// its completion (the per-batch delay).
import { SparkConf, setLogLevel, type ManualClock } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, Seconds, StreamingContext } from '@kindling/dstream';
import { RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';

interface Args { url: string; topic: string; instance: number; instances: number; batches: number; rate: number; app: string; checkpointDir: string }
const args = JSON.parse(process.argv[2]!) as Args;
const add = (a: number, b: number): number => a + b;

async function main(): Promise<void> {
  setLogLevel('WARN');
  const conf = new SparkConf().setMaster('local[1]').setAppName(args.app)
    .set('spark.streaming.clock', 'manual')
    .set('spark.streaming.kafka.maxRatePerPartition', String(args.rate))
    .set('spark.kindling.group.enabled', 'true')
    .set('spark.kindling.group.instances', String(args.instances))
    .set('spark.kindling.group.instance', String(args.instance));
  const ssc = new StreamingContext(conf, Seconds(1));
  ssc.checkpoint(args.checkpointDir);
  let records = 0;
  const lines = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([args.topic], { 'redis.url': args.url, 'auto.offset.reset': 'earliest' }))
    .map((r: ConsumerRecord) => r.value().split(','));
  lines.foreachRDD(async (rdd) => { records += await rdd.count(); });
  lines.map((f) => [f[3]!, Number(f[4])] as [string, number]).reduceByKey(add, 4).foreachRDD(async (rdd) => { await rdd.count(); });
  lines.map((f) => [Number(f[2]), Number(f[4]) * Number(f[5])] as [number, number])
    .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce(add, s ?? 0), 4)
    .foreachRDD(async (rdd) => { await rdd.count(); });
  lines.count().foreachRDD(async (rdd) => { await rdd.collect(); });
  const clock = ssc.clock as ManualClock;
  await ssc.start();
  const batchMs: number[] = [];
  const t0 = performance.now();
  for (let k = 1; k <= args.batches; k++) {
    const b0 = performance.now();
    await clock.advance(1000);
    batchMs.push(performance.now() - b0);
  }
  const elapsedMs = performance.now() - t0;
  await ssc.stop(true, true);
  process.stdout.write(`${JSON.stringify({ records, elapsedMs, batchMs })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
