// Spark's `sampleByKeyExact`: a stratified sample holding exactly ceil(fraction * count) pairs
// of each key. Spark reaches that size with 99.99% confidence through sampling thresholds it
// computes in extra passes; this counts each key per partition first (one small job when the
// first job over the sample is prepared, as zipWithIndex counts its offsets), draws exactly
// that many of each key's occurrences on the driver, and keeps those in one narrow pass. The
// sample's size is therefore always exact; its composition is uniform among the key's pairs
// (without replacement: every subset of that size equally likely; with replacement: that many
// independent uniform draws). Deterministic per seed for a given partitioning.
import { RDD } from './rdd.ts';
import { OneToOneDependency } from './dependency.ts';
import type { Partitioner } from './partitioner.ts';
import type { TaskContext } from '../scheduler/task-context.ts';
import { KeyMap } from '../util/key-map.ts';
import { XorShiftRandom, randomSeed } from '../util/xor-shift-random.ts';
import { invariant } from '../util/invariant.ts';

declare module './rdd.ts' {
  interface RDD<T> {
    /**
     * A sample of each key's pairs of exactly `ceil(fractions.get(key) * count(key))` pairs, as
     * Spark's `sampleByKeyExact` (Spark meets that size with 99.99% confidence; this always
     * does). Without replacement a fraction is in `[0, 1]` and no pair is taken twice; with
     * replacement a pair may come several times. Every key of the RDD needs a fraction.
     * Counting the keys costs one small job, run before the first job over the sample;
     * deterministic per `seed` for a given partitioning. Partitioning is kept.
     *
     * Under `local[N]` with a graph built in worker threads, the sample is chosen on the
     * driver, which the workers' copies of the graph do not see: there, a job computing it
     * fails and says so (sample inside `foreachRDD`, whose RDDs run on the driver).
     *
     * @example
     * ```ts
     * import assert from 'node:assert/strict';
     * const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('strata'));
     * const people = sc.parallelize(Array.from({ length: 100 }, (_, i) => [i % 10 < 3 ? 'left' : 'right', i] as [string, number]), 2);
     * const sample = people.sampleByKeyExact(false, new Map([['left', 0.1], ['right', 0.1]]), 7);
     * const counts = await sample.countByKey();
     * assert.equal(counts.get('left'), 3);  // ceil(0.1 * 30)
     * assert.equal(counts.get('right'), 7); // ceil(0.1 * 70)
     * sc.stop();
     * ```
     */
    sampleByKeyExact<K, V>(this: RDD<[K, V]>, withReplacement: boolean, fractions: ReadonlyMap<K, number>, seed?: number): RDD<[K, V]>;
  }
}

/** Per partition, per key: the chosen occurrences of the key in that partition (ascending, repeated when drawn twice). */
type Selection<K> = KeyMap<K, number[]>[];

/** The pairs of a parent chosen by {@link RDD.sampleByKeyExact}. */
export class SampledByKeyExactRDD<K, V> extends RDD<[K, V]> {
  private readonly rates = new KeyMap<K, number>();
  private selection: Selection<K> | undefined;

  constructor(
    prev: RDD<[K, V]>,
    private readonly withReplacement: boolean,
    fractions: ReadonlyMap<K, number>,
    private readonly seed: number,
  ) {
    super(prev.context, [new OneToOneDependency(prev)], 'sampleByKeyExact');
    for (const [k, f] of fractions) {
      invariant(f >= 0, `Negative sampling rates: ${f} for key ${String(k)}; sampleByKeyExact needs fractions >= 0`);
      if (!withReplacement) invariant(f <= 1, `Fraction ${f} for key ${String(k)} must be in [0, 1] when sampling without replacement`);
      this.rates.set(k, f);
    }
  }

  protected getPartitions(): number { return this.dependencies[0]!.rdd.getNumPartitions(); }

  override get partitioner(): Partitioner | undefined { return this.dependencies[0]!.rdd.partitioner; }

  override async prepareForJob(): Promise<void> {
    if (this.selection !== undefined || this.isCheckpointed) return;
    const prev = this.dependencies[0]!.rdd as RDD<[K, V]>;
    const counts = await this.context.runJob(prev, countKeys, undefined, 'sampleByKeyExact');
    this.selection = this.choose(counts);
  }

  /** Draws each key's occurrences (keys in order of first appearance) and splits them by partition. */
  private choose(counts: readonly KeyMap<K, number>[]): Selection<K> {
    const perKey = new KeyMap<K, number[]>();
    counts.forEach((m, p) => m.forEach((c, k) => {
      let cs = perKey.get(k);
      if (cs === undefined) perKey.set(k, (cs = new Array<number>(counts.length).fill(0)));
      cs[p] = c;
    }));
    const rng = new XorShiftRandom(this.seed);
    const selection: Selection<K> = counts.map(() => new KeyMap<K, number[]>());
    perKey.forEach((cs, k) => {
      const f = this.rates.get(k);
      if (f === undefined) throw new Error(`sampleByKeyExact: no fraction given for key ${String(k)}; fractions must name every key of the RDD`);
      let total = 0;
      for (const c of cs) total += c;
      const picked = this.withReplacement ? drawWithReplacement(rng, total, Math.ceil(total * f)) : drawDistinct(rng, total, Math.ceil(total * f));
      let p = 0;
      let base = 0;
      for (const i of picked) {
        while (i >= base + cs[p]!) base += cs[p++]!;
        let local = selection[p]!.get(k);
        if (local === undefined) selection[p]!.set(k, (local = []));
        local.push(i - base);
      }
    });
    return selection;
  }

  compute(split: number, ctx: TaskContext): readonly [K, V][] {
    const chosen = this.selection?.[split];
    if (chosen === undefined) {
      throw new Error(`${this.toString()} was computed where its sample was not chosen: sampleByKeyExact chooses its sample on the driver, so it cannot run in the worker threads of local[N]; call it inside foreachRDD, or use sampleByKey`);
    }
    const data = ctx.parent<[K, V]>(0, split);
    // Per key: how many of its pairs went by, and the next chosen occurrence.
    const cursors = new KeyMap<K, { seen: number; next: number; picks: number[] }>();
    chosen.forEach((picks, k) => cursors.set(k, { seen: 0, next: 0, picks }));
    const out: [K, V][] = [];
    for (let r = 0; r < data.length; r++) {
      const kv = data[r]!;
      const c = cursors.get(kv[0]);
      if (c === undefined) continue;
      const i = c.seen++;
      while (c.next < c.picks.length && c.picks[c.next] === i) {
        out.push(kv);
        c.next++;
      }
    }
    return out;
  }
}

function countKeys<K, V>(data: readonly [K, V][]): KeyMap<K, number> {
  const m = new KeyMap<K, number>();
  for (let i = 0; i < data.length; i++) {
    const k = data[i]![0];
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** `m` distinct integers of `[0, n)`, uniformly (Floyd's algorithm), ascending. */
function drawDistinct(rng: XorShiftRandom, n: number, m: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - m; j < n; j++) {
    const t = rng.nextInt(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** `m` independent uniform integers of `[0, n)`, ascending. */
function drawWithReplacement(rng: XorShiftRandom, n: number, m: number): number[] {
  const out = new Array<number>(n === 0 ? 0 : m);
  for (let i = 0; i < out.length; i++) out[i] = rng.nextInt(n);
  return out.sort((a, b) => a - b);
}

RDD.prototype.sampleByKeyExact = function sampleByKeyExact<K, V>(this: RDD<[K, V]>, withReplacement: boolean, fractions: ReadonlyMap<K, number>, seed: number = randomSeed()): RDD<[K, V]> {
  return new SampledByKeyExactRDD(this, withReplacement, fractions, seed);
};
