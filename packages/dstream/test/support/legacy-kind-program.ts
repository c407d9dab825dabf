// A streaming program for checkpoint-legacy-kinds.test.ts. It generated the committed fixture
// test/fixtures/legacy-kinds-checkpoint (a checkpoint whose kinds, ids and structural keys use
// the class-style kinds of format 2 before the operator kinds: `StateDStream`,
// `ReducedWindowedDStream`, ...) and recovers from a copy of it with the current code. It runs
// a map -> updateStateByKey pipeline and a reduceByKeyAndWindow with an inverse function on a
// manual clock up to `until` ms with getOrCreate, and prints one JSON line.
import { ManualClock, SparkConf } from '@kindling/core';
import { Seconds, StreamingContext } from '../../src/index.ts';
import { TestInputDStream } from '../../src/testing/index.ts';

type KV = [string, number];
const { dir, until } = JSON.parse(process.argv[2]!) as { dir: string; until: number };
let total = new Map<string, number>();
let windowed = new Map<string, number>();
const ids: string[] = [];
const ssc = await StreamingContext.getOrCreate(dir, () => {
  const ssc = new StreamingContext(new SparkConf().setMaster('local[2]').setAppName('legacy-kinds').set('spark.streaming.clock', 'manual'), Seconds(1));
  ssc.checkpoint(dir);
  // Batch i (1-based) holds a -> 1 and b -> i.
  const input = new TestInputDStream<KV>(ssc, Array.from({ length: 20 }, (_, i) => [['a', 1], ['b', i + 1]] as KV[]), 2);
  const pairs = input.map((kv) => kv);
  const state = pairs.updateStateByKey((vs: number[], s: number | undefined) => vs.reduce((x, y) => x + y, s ?? 0)).checkpoint(Seconds(2));
  const window = pairs.reduceByKeyAndWindow((x, y) => x + y, (x, y) => x - y, Seconds(3), Seconds(1)).checkpoint(Seconds(2));
  ids.push(input.name(), pairs.name(), state.name(), window.name());
  state.foreachRDD(async (rdd) => { total = new Map(await rdd.collect()); });
  window.foreachRDD(async (rdd) => { windowed = new Map(await rdd.collect()); });
  return ssc;
});
await ssc.start();
const clock = ssc.clock as ManualClock;
const resumedAt = clock.getTimeMillis();
while (clock.getTimeMillis() < until) await clock.advance(1000);
await ssc.stop(true, true);
console.log(JSON.stringify({ resumedAt, total: Object.fromEntries(total), windowed: Object.fromEntries(windowed), ids }));
