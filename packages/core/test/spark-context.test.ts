import { describe, expect, it } from 'vitest';
import { SparkConf, SparkContext, parseMaster } from '../src/index.ts';
import { availableParallelism } from 'node:os';

const conf = (master: string) => new SparkConf().setMaster(master).setAppName('ctx');

describe('SparkContext', () => {
  it('derives defaultParallelism from the master', () => {
    for (const [m, n] of [['local', 1], ['local[3]', 3], ['local[*]', availableParallelism()]] as const) {
      const sc = new SparkContext(conf(m));
      expect(sc.defaultParallelism).toBe(n);
      expect(sc.master).toBe(m);
      sc.stop();
    }
  });

  it('lets spark.default.parallelism override the master', () => {
    const sc = new SparkContext(conf('local[2]').set('spark.default.parallelism', 7));
    expect(sc.defaultParallelism).toBe(7);
    expect(sc.parallelize([1, 2, 3]).getNumPartitions()).toBe(7);
    sc.stop();
  });

  it('rejects masters it cannot run and missing settings', () => {
    expect(() => parseMaster('spark://host:7077')).toThrow(/Could not parse Master URL/);
    expect(() => new SparkContext(new SparkConf().setAppName('x'))).toThrow(/master URL must be set/);
    expect(() => new SparkContext(new SparkConf().setMaster('local'))).toThrow(/application name must be set/);
  });

  it('allows one running context per process, as Spark does', () => {
    const sc = new SparkContext(conf('local'));
    expect(() => new SparkContext(conf('local'))).toThrow(/Only one SparkContext/);
    expect(SparkContext.getOrCreate()).toBe(sc);
    expect(SparkContext.getActive()).toBe(sc);
    sc.stop();
    expect(SparkContext.getActive()).toBeUndefined();
    const again = new SparkContext('local[2]', 'second');
    expect(again.appName).toBe('second');
    again.stop();
  });

  it('fails clearly after stop()', async () => {
    const sc = new SparkContext(conf('local'));
    const rdd = sc.parallelize([1]);
    sc.stop();
    sc.stop(); // idempotent
    expect(sc.stopped).toBe(true);
    expect(() => sc.parallelize([1])).toThrow(/stopped SparkContext/);
    await expect(rdd.count()).rejects.toThrow(/stopped SparkContext/);
  });

  it('creates empty RDDs, unions and ranges', async () => {
    const sc = new SparkContext(conf('local[2]'));
    expect(sc.emptyRDD().getNumPartitions()).toBe(0);
    expect(await sc.emptyRDD<number>().collect()).toEqual([]);
    const u = sc.union([sc.parallelize([1, 2], 2), sc.emptyRDD<number>(), sc.parallelize([3], 1)]);
    expect(u.getNumPartitions()).toBe(3);
    expect(await u.collect()).toEqual([1, 2, 3]);
    expect(await sc.range(0, 10, 3).collect()).toEqual([0, 3, 6, 9]);
    expect(sc.parallelizePartitions([[1, 2], [], [3]]).getNumPartitions()).toBe(3);
    expect(await sc.parallelizePartitions([[1, 2], [], [3]]).glom().collect()).toEqual([[1, 2], [], [3]]);
    sc.stop();
  });

  it('parallelize and parallelizePartitions copy the data: changing the array afterwards changes no RDD, computed again or not', async () => {
    const sc = new SparkContext(conf('local[2]'));
    for (const slices of [1, 3]) {
      const xs = [1, 2, 3, 4];
      const rdd = sc.parallelize(xs, slices);
      expect(await rdd.collect()).toEqual([1, 2, 3, 4]);
      xs[0] = 100;
      xs.push(5);
      xs.splice(1, 1);
      // Not persisted: the second collect computes the partitions again.
      expect(await rdd.collect()).toEqual([1, 2, 3, 4]);
      expect(await rdd.map((x) => x * 10).count()).toBe(4);
    }
    const parts = [[1, 2], [3]];
    const byParts = sc.parallelizePartitions(parts);
    parts[0]!.push(9);
    parts[1]![0] = 0;
    expect(await byParts.glom().collect()).toEqual([[1, 2], [3]]);
    sc.stop();
  });

  it('SparkConf reads and writes settings', () => {
    const c = new SparkConf().set('a', 1).setIfMissing('a', 2).setIfMissing('b', true);
    expect(c.get('a')).toBe('1');
    expect(c.getInt('a', 0)).toBe(1);
    expect(c.getBoolean('b', false)).toBe(true);
    expect(c.get('zzz', 'dflt')).toBe('dflt');
    expect(() => c.get('zzz')).toThrow(/No value for configuration key zzz/);
    expect(c.getAll()).toEqual([['a', '1'], ['b', 'true']]);
    expect(c.clone().remove('a').contains('a')).toBe(false);
    expect(c.contains('a')).toBe(true);
  });
});
