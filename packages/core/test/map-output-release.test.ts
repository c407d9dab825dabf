import { describe, expect, it } from 'vitest';
import { HashPartitioner, MissingMapOutputError, ShuffleDependency, StorageLevel, type RDD } from '../src/index.ts';
import { lineage, sorted, useSparkContext } from './helpers.ts';

/** Records held in map outputs by every shuffle reachable from `rdds`. */
function retainedMapOutputRecords(rdds: readonly RDD<unknown>[]): number {
  const deps = new Set<ShuffleDependency>();
  for (const rdd of rdds) for (const r of lineage(rdd)) for (const d of r.dependencies) if (d instanceof ShuffleDependency) deps.add(d);
  let n = 0;
  for (const d of deps) for (const out of d.mapOutputs) for (const block of out ?? []) n += block?.length ?? 0;
  return n;
}

describe('map outputs are released once their readers are persisted in full', () => {
  const ctx = useSparkContext('local[1]');

  it('a not persisted reader keeps them (a second job reuses them)', async () => {
    const pairs = ctx.sc.parallelize<[number, number]>(Array.from({ length: 40 }, (_, i) => [i % 7, i]), 3);
    const groups = pairs.groupByKey();
    await groups.collect();
    // no map-side combining: every record stays in a map output
    expect(retainedMapOutputRecords([groups])).toBe(40);
  });

  it('a state chain kept for 25 batches holds no map output (updateStateByKey shape)', async () => {
    const part = new HashPartitioner(2);
    const kept: RDD<[string, number]>[] = [];
    const totals = new Map<string, number>();
    let state: RDD<[string, number]> = ctx.sc.parallelize<[string, number]>([], 2).partitionBy(part);
    let perBatchPairs = 0;
    for (let b = 0; b < 25; b++) {
      const batch: [string, number][] = Array.from({ length: 50 }, (_, i) => [`k${(i * 7 + b) % 13}`, i + b]);
      perBatchPairs = batch.length;
      for (const [k, v] of batch) totals.set(k, (totals.get(k) ?? 0) + v);
      const values = ctx.sc.parallelize(batch, 2).groupByKey(part);
      state = state
        .cogroup(values, part)
        .mapValues(([s, vs]) => (s[0] ?? 0) + vs.flat().reduce((x, y) => x + y, 0))
        .persist(StorageLevel.MEMORY_ONLY_SER);
      await state.count();
      kept.push(state);
    }
    expect(sorted(await state.collect())).toEqual(sorted([...totals]));
    // Before: every batch's 50 grouped pairs stayed in its shuffle's outputs (25 x 50).
    expect(perBatchPairs * kept.length).toBe(1250);
    expect(retainedMapOutputRecords(kept)).toBe(0);
  });

  it('a released shuffle read again (its reader unpersisted) re-runs the map stage from lineage', async () => {
    let mapCalls = 0;
    const data: [string, number][] = Array.from({ length: 30 }, (_, i) => [`w${i % 4}`, i]);
    const expected = new Map<string, number>();
    for (const [k, v] of data) expected.set(k, (expected.get(k) ?? 0) + v * 10);
    const stages: number[] = [];
    ctx.sc.addJobListener({ onJobEnd: (e) => { stages.push(e.shuffleStagesRun); } });
    const summed = ctx.sc
      .parallelize(data, 3)
      .map((kv) => { mapCalls++; return kv; })
      .reduceByKey((a, b) => a + b)
      .mapValues((v) => v * 10)
      .cache();
    expect(sorted(await summed.collect())).toEqual(sorted([...expected]));
    expect(retainedMapOutputRecords([summed])).toBe(0);
    // still stored: no map stage
    expect(sorted(await summed.collect())).toEqual(sorted([...expected]));
    summed.unpersist();
    expect(sorted(await summed.collect())).toEqual(sorted([...expected]));
    expect(stages).toEqual([1, 0, 1]);
    expect(mapCalls).toBe(60);
    // unpersisted: the recomputed outputs stay for the next job
    expect(retainedMapOutputRecords([summed])).toBeGreaterThan(0);
  });
});

describe('a map output found missing while a job runs (Spark FetchFailed)', () => {
  const ctx = useSparkContext('local[1]');

  it('re-runs the map stage and the unfinished result tasks', async () => {
    const data: [number, number][] = Array.from({ length: 24 }, (_, i) => [i % 5, i]);
    const expected = new Map<number, number>();
    for (const [k, v] of data) expected.set(k, (expected.get(k) ?? 0) + v);
    const sums = ctx.sc.parallelize(data, 4).reduceByKey((a, b) => a + b, 3);
    const dep = sums.dependencies[0] as ShuffleDependency;
    const kinds: string[] = [];
    let dropped = false;
    ctx.sc.addJobListener({
      onStageSubmitted: (e) => {
        kinds.push(e.stageInfo.kind);
        // lose the map outputs between the map stage and the result stage, once
        if (e.stageInfo.kind === 'ResultStage' && !dropped) {
          dropped = true;
          dep.clearMapOutputs();
        }
      },
    });
    let tasksRun = 0;
    const counted = await ctx.sc.runJob(sums, (part) => { tasksRun++; return part.length; });
    expect(kinds).toEqual(['ShuffleMapStage', 'ResultStage', 'ShuffleMapStage', 'ResultStage']);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(5);
    expect(tasksRun).toBe(3);
    expect(sorted(await sums.collect())).toEqual(sorted([...expected]));
  });

  it('fails with MissingMapOutputError when the outputs keep disappearing', async () => {
    const sums = ctx.sc.parallelize<[number, number]>([[1, 1], [2, 2]], 2).reduceByKey((a, b) => a + b);
    const dep = sums.dependencies[0] as ShuffleDependency;
    let resultStages = 0;
    ctx.sc.addJobListener({
      onStageSubmitted: (e) => {
        if (e.stageInfo.kind === 'ResultStage') {
          resultStages++;
          dep.clearMapOutputs();
        }
      },
    });
    const failure = await sums.collect().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    let cause: unknown = failure;
    while (cause instanceof Error && !(cause instanceof MissingMapOutputError)) cause = cause.cause;
    expect(cause).toBeInstanceOf(MissingMapOutputError);
    expect((cause as MissingMapOutputError).shuffleId).toBe(dep.shuffleId);
    expect(resultStages).toBe(4);
  });
});
