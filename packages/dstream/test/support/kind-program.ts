// A streaming program run by checkpoint-kind.test.ts both as is (tsx) and as a minified bundle
// (esbuild --minify renames every class): it runs an updateStateByKey pipeline on a manual
// clock up to `until` ms with getOrCreate, stops gracefully and prints one JSON line.
import { ManualClock, SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '../../src/index.ts';
import { TestInputDStream } from '../../src/testing/index.ts';

type KV = [string, number];
const { dir, until } = JSON.parse(process.argv[2]!) as { dir: string; until: number };
let total = new Map<string, number>();
let stateStream: { name(): string; kind: string; constructor: { name: string } } | undefined;
const ssc = await StreamingContext.getOrCreate(dir, () => {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('kind').set('spark.streaming.clock', 'manual'), Seconds(1));
  ssc.checkpoint(dir);
  const input = new TestInputDStream<KV>(ssc, Array.from({ length: 20 }, (_, i) => [['a', 1], ['b', i + 1]] as KV[]), 2);
  const state = input.map((kv) => kv).updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((x, y) => x + y, s ?? 0)).checkpoint(Seconds(2));
  stateStream = state;
  state.foreachRDD(async (rdd) => { total = new Map(await rdd.collect()); });
  return ssc;
});
await ssc.start();
const clock = ssc.clock as ManualClock;
const resumedAt = clock.getTimeMillis();
while (clock.getTimeMillis() < until) await clock.advance(1000);
await ssc.stop(true, true);
console.log(JSON.stringify({ resumedAt, total: Object.fromEntries(total), id: stateStream!.name(), kind: stateStream!.kind, className: stateStream!.constructor.name }));
