/**
 * `pnpm bench:core`: 1,000,000 numbers through parallelize -> map -> reduceByKey (100 keys)
 * -> collect, against a hand-written loop doing the same work (the same map function, then a
 * native Map of sums), in the same process. Warm-up, then the median of several runs; prints
 * both throughputs and the ratio (RDD time / loop time; the goal is <= 2).
 */
import { SparkConf, SparkContext } from '../src/index.ts';

const N = 1_000_000;
const KEYS = 100;
const WARMUP = 3;
const RUNS = 7;

const data = Array.from({ length: N }, (_, i) => i);
const toPair = (x: number): [number, number] => [x % KEYS, x];

function handLoop(): [number, number][] {
  const sums = new Map<number, number>();
  for (let i = 0; i < data.length; i++) {
    const kv = toPair(data[i]!);
    const s = sums.get(kv[0]);
    sums.set(kv[0], s === undefined ? kv[1] : s + kv[1]);
  }
  return [...sums];
}

const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('bench-core'));

function pipeline(): Promise<[number, number][]> {
  return sc.parallelize(data).map(toPair).reduceByKey((a, b) => a + b).collect();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(f: () => unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

// Same answer first: key k sums every x with x % 100 == k.
const expected = new Map(handLoop());
const got = new Map(await pipeline());
if (got.size !== KEYS || [...expected].some(([k, v]) => got.get(k) !== v)) {
  console.error('The RDD pipeline does not give the hand loop\'s result');
  process.exit(1);
}

for (let i = 0; i < WARMUP; i++) {
  handLoop();
  await pipeline();
}
const loopTimes: number[] = [];
const rddTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  // Alternate so drift (GC, thermal) hits both alike.
  loopTimes.push(await time(handLoop));
  rddTimes.push(await time(pipeline));
}
sc.stop();

const loopMs = median(loopTimes);
const rddMs = median(rddTimes);
const fmt = (ms: number) => `${(N / (ms / 1000) / 1e6).toFixed(2)} M elements/s (${ms.toFixed(1)} ms median of ${RUNS})`;
console.log(`hand loop        : ${fmt(loopMs)}`);
console.log(`RDD pipeline     : ${fmt(rddMs)}`);
console.log(`ratio (RDD/loop) : ${(rddMs / loopMs).toFixed(2)}x  (goal <= 2x)`);
