// One instance of the group benchmark under leases (`pnpm bench:redis`, "group leases" section),
// run as a child process: the same re-keying job as group-instance.ts (shares per stock symbol,
// reduceByKey into 4 partitions; running volume per client, updateStateByKey into 4; the
// batch's order count, a one-partition stage), with spark.kindling.group.enabled and no fixed
// split, on the system clock (instances share the batch grid). Prints "started" once its
// context runs, "owns <n>" whenever the number of source partitions it owns changes, and one
// JSON line per batch whose one-partition stage counted records on this instance
// ({"counted": n, "at": epoch ms}) and per batch that read records
// ({"batch": t, "records": n, "delayMs": total delay}); stops gracefully once the file
// args.stopFile exists.
import { existsSync } from 'node:fs';
import { SparkConf, setLogLevel, Milliseconds } from '@kindling/core';
import { ConsumerStrategies, LocationStrategies, StreamingContext } from '@kindling/dstream';
import { RedisStreamsUtils, type ConsumerRecord } from '../src/index.ts';

interface Args { url: string; topic: string; group: string; batchMs: number; leaseMs: number; checkpointDir: string; stopFile: string }
const args = JSON.parse(process.argv[2]!) as Args;
const add = (a: number, b: number): number => a + b;

async function main(): Promise<void> {
  setLogLevel('WARN');
  // The application's name prefixes the repartition logs: one per run (its group).
  const conf = new SparkConf().setMaster('local[1]').setAppName(args.group)
    .set('spark.kindling.group.enabled', 'true')
    .set('spark.kindling.group.leaseTimeout', `${args.leaseMs}ms`);
  const ssc = new StreamingContext(conf, Milliseconds(args.batchMs));
  ssc.checkpoint(args.checkpointDir);
  const stream = RedisStreamsUtils.createDirectStream(ssc, LocationStrategies.PreferConsistent,
    ConsumerStrategies.Subscribe([args.topic], { 'redis.url': args.url, 'group.id': args.group, 'auto.offset.reset': 'earliest' }));
  const lines = stream.map((r: ConsumerRecord) => r.value().split(','));
  const read = new Map<number, number>();
  lines.foreachRDD(async (rdd, time) => { read.set(time.milliseconds, await rdd.count()); });
  lines.map((f) => [f[3]!, Number(f[4])] as [string, number]).reduceByKey(add, 4).foreachRDD(async (rdd) => { await rdd.count(); });
  lines.map((f) => [Number(f[2]), Number(f[4]) * Number(f[5])] as [number, number])
    .updateStateByKey((vs: number[], s: number | undefined) => vs.reduce(add, s ?? 0), 4)
    .foreachRDD(async (rdd) => { await rdd.count(); });
  // Runs on the one-partition stage's owner only: the batch's count over every source partition.
  lines.count().foreachRDD(async (rdd) => {
    const n = (await rdd.collect())[0] ?? 0;
    if (n > 0) process.stdout.write(`${JSON.stringify({ counted: n, at: Date.now() })}\n`);
  });
  ssc.addStreamingListener({
    onBatchCompleted: (e) => {
      const t = e.batchInfo.batchTime.milliseconds;
      const n = read.get(t) ?? 0;
      read.delete(t);
      if (n > 0) process.stdout.write(`${JSON.stringify({ batch: t, records: n, delayMs: e.batchInfo.totalDelay ?? 0 })}\n`);
    },
  });
  await ssc.start();
  process.stdout.write('started\n');
  let owned = -1;
  while (!existsSync(args.stopFile)) {
    const n = stream.ownedPartitions.length;
    if (n !== owned) process.stdout.write(`owns ${owned = n}\n`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await ssc.stop(true, true);
  process.stdout.write('done\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
