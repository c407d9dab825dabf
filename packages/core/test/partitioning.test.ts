import { describe, expect, it } from 'vitest';
import { HashPartitioner, ShuffleDependency } from '../src/index.ts';
import { useSparkContext, countShuffles, sorted } from './helpers.ts';

describe('partitioner-aware operations', () => {
  const ctx = useSparkContext();
  const pairs = () => ctx.sc.parallelize<[number, number]>(Array.from({ length: 20 }, (_, i) => [i % 4, i] as [number, number]), 3);

  it('reduceByKey on an RDD partitioned the same way adds no shuffle', async () => {
    const p = pairs().partitionBy(new HashPartitioner(3));
    expect(countShuffles(p)).toBe(1);
    const r = p.reduceByKey((a, b) => a + b);
    expect(countShuffles(r)).toBe(1);
    expect(r.partitioner?.equals(new HashPartitioner(3))).toBe(true);
    // keys 0..3 hold i%4: sums 0+4+..+16=40, 45, 50, 55
    expect(sorted(await r.collect())).toEqual([[0, 40], [1, 45], [2, 50], [3, 55]]);
    // A different partition count does shuffle again.
    expect(countShuffles(p.reduceByKey((a, b) => a + b, 4))).toBe(2);
    expect(countShuffles(p.groupByKey())).toBe(1);
    expect(countShuffles(p.mapValues((v) => v + 1).reduceByKey((a, b) => a + b))).toBe(1);
    expect(countShuffles(p.map((kv) => kv).reduceByKey((a, b) => a + b))).toBe(2);
  });

  it('join of two RDDs co-partitioned alike adds no shuffle', async () => {
    const part = new HashPartitioner(2);
    const a = pairs().reduceByKey((x, y) => x + y, part);
    const b = pairs().mapValues((v) => -v).reduceByKey((x, y) => x + y, part);
    const j = a.join(b);
    expect(countShuffles(j)).toBe(2); // only the two reduceByKeys
    expect(j.partitioner?.equals(part)).toBe(true);
    expect(sorted(await j.collect())).toEqual([[0, [40, -40]], [1, [45, -45]], [2, [50, -50]], [3, [55, -55]]]);
    // join with an unpartitioned RDD shuffles only that side, into the existing partitioner
    const c = ctx.sc.parallelize<[number, string]>([[1, 'x']], 1);
    const jc = a.join(c);
    expect(countShuffles(jc)).toBe(2);
    expect(jc.partitioner?.equals(part)).toBe(true);
    expect(await jc.collect()).toEqual([[1, [45, 'x']]]);
  });

  it('union of equally partitioned RDDs keeps the partitioner', async () => {
    const part = new HashPartitioner(2);
    const a = pairs().partitionBy(part);
    const b = pairs().partitionBy(part);
    const u = a.union(b);
    expect(u.partitioner?.equals(part)).toBe(true);
    expect(u.getNumPartitions()).toBe(2);
    expect(countShuffles(u.reduceByKey((x, y) => x + y))).toBe(2);
    expect(sorted(await u.reduceByKey((x, y) => x + y).collect())).toEqual([[0, 80], [1, 90], [2, 100], [3, 110]]);
    expect(pairs().union(pairs()).partitioner).toBeUndefined();
  });

  it('partitionBy with an equal partitioner is the same RDD', () => {
    const p = pairs().partitionBy(new HashPartitioner(3));
    expect(p.partitionBy(new HashPartitioner(3))).toBe(p);
  });

  it('a second job reuses shuffle outputs without recomputing the map stage', async () => {
    let mapCalls = 0;
    const r = pairs().map((kv) => { mapCalls++; return kv; }).reduceByKey((a, b) => a + b);
    const stages: number[] = [];
    ctx.sc.addJobListener({ onJobEnd: (e) => { stages.push(e.shuffleStagesRun); } });
    await r.collect();
    expect(mapCalls).toBe(20);
    await r.count();
    await r.mapValues((v) => v * 2).collect();
    expect(mapCalls).toBe(20);
    expect(stages).toEqual([1, 0, 0]);
    const dep = r.dependencies[0];
    expect(dep).toBeInstanceOf(ShuffleDependency);
    expect((dep as ShuffleDependency).isAvailable).toBe(true);
  });

  it('defaultPartitioner follows spark.default.parallelism when it is set', () => {
    // without the setting: the larger input's partition count
    expect(pairs().reduceByKey((a, b) => a + b).getNumPartitions()).toBe(3);
  });
});

describe('defaultPartitioner with spark.default.parallelism', () => {
  const ctx = useSparkContext('local[2]', (c) => c.set('spark.default.parallelism', 5));
  it('uses the configured parallelism for new shuffles', () => {
    const p = ctx.sc.parallelize<[number, number]>([[1, 1]], 3);
    expect(p.reduceByKey((a, b) => a + b).getNumPartitions()).toBe(5);
  });
});
