import { RDD } from './rdd.ts';
import { OneToOneDependency, ShuffleDependency, type Dependency } from './dependency.ts';
import { rddClasses } from './registry.ts';
import { KeyMap } from '../util/key-map.ts';
import { appendOnlyMapOrder } from '../util/append-only-map-order.ts';
import type { Partitioner } from './partitioner.ts';
import type { SparkContext } from '../spark-context.ts';
import type { TaskContext } from '../scheduler/task-context.ts';

/**
 * Groups several pair RDDs by key: `[k, [values from rdd 0, values from rdd 1, ...]]`. A
 * parent already partitioned by an equal partitioner is read one-to-one; the others are
 * shuffled. Backs `cogroup`, `join` and the outer joins.
 */
export class CoGroupedRDD<K> extends RDD<[K, unknown[][]]> {
  private readonly part: Partitioner;
  private readonly narrow: boolean[];

  constructor(sc: SparkContext, rdds: readonly RDD<[K, unknown]>[], partitioner: Partitioner) {
    const narrow: boolean[] = [];
    const deps: Dependency[] = rdds.map((r) => {
      if (partitioner.equals(r.partitioner)) {
        narrow.push(true);
        return new OneToOneDependency(r);
      }
      narrow.push(false);
      return new ShuffleDependency(r, partitioner);
    });
    super(sc, deps, 'cogroup');
    this.part = partitioner;
    this.narrow = narrow;
  }

  override get partitioner(): Partitioner { return this.part; }

  protected getPartitions(): number { return this.part.numPartitions; }

  compute(split: number, ctx: TaskContext): readonly [K, unknown[][]][] {
    const n = this.narrow.length;
    // Groups in the order their keys first arrive, then put in Spark's order (its cogroup map's
    // slot order, see appendOnlyMapOrder) at the end.
    const out: [K, unknown[][]][] = [];
    const prim = new Map<K, unknown[][]>();
    let other: KeyMap<K, unknown[][]> | undefined;
    const groupsOf = (k: K): unknown[][] => {
      if (k === null || typeof k !== 'object') {
        let g = prim.get(k);
        if (g === undefined) {
          g = Array.from({ length: n }, () => []);
          prim.set(k, g);
          out.push([k, g]);
        }
        return g;
      }
      other ??= new KeyMap();
      let g = other.get(k);
      if (g === undefined) {
        g = Array.from({ length: n }, () => []);
        other.set(k, g);
        out.push([k, g]);
      }
      return g;
    };
    for (let i = 0; i < n; i++) {
      const blocks = this.narrow[i] ? [ctx.parent<[K, unknown]>(i, split)] : ctx.shuffleRead<[K, unknown]>(i, split);
      for (const block of blocks) {
        for (let j = 0; j < block.length; j++) {
          const r = block[j]!;
          groupsOf(r[0])[i]!.push(r[1]);
        }
      }
    }
    return appendOnlyMapOrder(out, (e) => e[0]);
  }
}
rddClasses.CoGroupedRDD = CoGroupedRDD;
