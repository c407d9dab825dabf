/**
 * Chooses the state store (issue #3 item 7): an Immutable.js persistent map versus a delta
 * chain of native Maps with compaction. Each batch takes the next version (`copy()`), reads
 * and writes 1,000 keys, on a 10,000-key and a 1,000,000-key state. What matters is the
 * per-batch cost and how it grows with the state size (it should not).
 *
 * Run: `npx tsx packages/dstream/bench/state-map.bench.ts`
 */
import { ImmutableStateMap } from '../src/state/immutable-state-map.ts';
import { DeltaChainStateMap } from './candidates/delta-chain-state-map.ts';

interface Store {
  get(k: number): number | undefined;
  put(k: number, s: number, t: number): void;
  copy(): Store;
}

const TOUCHED = 1000;
const BATCHES = 300;

function build(kind: 'immutable' | 'delta', n: number): Store {
  const m: Store = kind === 'immutable' ? ImmutableStateMap.empty<number, number>() : new DeltaChainStateMap<number, number>();
  for (let k = 0; k < n; k++) m.put(k, 0, 0);
  return m.copy();
}

function run(kind: 'immutable' | 'delta', n: number): { mean: number; median: number; p99: number } {
  let m = build(kind, n);
  let seed = 12345;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  const times: number[] = [];
  for (let b = 1; b <= BATCHES; b++) {
    const t0 = performance.now();
    const next = m.copy();
    for (let i = 0; i < TOUCHED; i++) {
      const k = rnd() % n;
      next.put(k, (next.get(k) ?? 0) + 1, b);
    }
    m = next;
    times.push(performance.now() - t0);
  }
  const warm = times.slice(20).sort((a, b) => a - b);
  return {
    mean: warm.reduce((a, b) => a + b, 0) / warm.length,
    median: warm[Math.floor(warm.length / 2)]!,
    p99: warm[Math.floor(warm.length * 0.99)]!,
  };
}

const fmt = (x: number): string => x.toFixed(3);
for (const kind of ['immutable', 'delta'] as const) {
  const small = run(kind, 10_000);
  const large = run(kind, 1_000_000);
  console.log(`${kind.padEnd(9)} 10k keys: mean ${fmt(small.mean)} ms, median ${fmt(small.median)}, p99 ${fmt(small.p99)} | ` +
    `1M keys: mean ${fmt(large.mean)} ms, median ${fmt(large.median)}, p99 ${fmt(large.p99)} | mean ratio 1M/10k ${(large.mean / small.mean).toFixed(2)}`);
}
