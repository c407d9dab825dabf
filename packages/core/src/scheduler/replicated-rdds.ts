import type { RDD } from '../rdd/rdd.ts';

/**
 * The RDDs of a replicated graph, under keys that are the same in every thread. The driver and
 * every worker thread build the same DStream graph and generate the same RDDs for every batch;
 * after generating a batch each of them calls {@link ReplicatedRDDs.register} with the batch's
 * output RDDs, in output order, which walks the lineage in one fixed order and numbers the RDDs
 * it has not seen. Identical graphs give identical numbers, so "RDD 17" names the same object
 * in every thread without any id being shared. The structural description returned for the
 * newly numbered RDDs (class, partitions, partitioner, generating stream) is the batch's
 * fingerprint, compared between threads to catch graphs that diverge.
 *
 * RDDs created elsewhere (in output operations, on the driver) are never registered: they
 * exist in one thread only.
 * @internal
 */
export class ReplicatedRDDs {
  private readonly keys = new WeakMap<RDD<unknown>, number>();
  private readonly byKey = new Map<number, WeakRef<RDD<unknown>>>();
  private readonly cleaner = new FinalizationRegistry<number>((key) => { this.byKey.delete(key); });
  private next = 0;

  /** The key of a registered RDD. */
  keyOf(rdd: RDD<unknown>): number | undefined { return this.keys.get(rdd); }

  /** The registered RDD with this key, while it is alive. */
  get(key: number): RDD<unknown> | undefined { return this.byKey.get(key)?.deref(); }

  /**
   * Numbers every RDD reachable from `roots` that is not registered yet (depth first, parents in
   * dependency order; registered RDDs stop the walk), and returns one line per newly numbered
   * RDD: `key class[partitions] partitioner @stream`. `streamOf` names the stream that
   * generated an RDD, when one did; other RDDs take the name of the child they were reached from.
   */
  register(roots: readonly RDD<unknown>[], streamOf: (rdd: RDD<unknown>) => string | undefined): string[] {
    const lines: string[] = [];
    const stack: { rdd: RDD<unknown>; stream: string }[] = [];
    for (let i = roots.length - 1; i >= 0; i--) stack.push({ rdd: roots[i]!, stream: streamOf(roots[i]!) ?? '?' });
    while (stack.length > 0) {
      const { rdd, stream: inherited } = stack.pop()!;
      if (this.keys.has(rdd)) continue;
      const key = this.next++;
      this.keys.set(rdd, key);
      this.byKey.set(key, new WeakRef(rdd));
      this.cleaner.register(rdd, key);
      const stream = streamOf(rdd) ?? inherited;
      lines.push(`${key} ${describe(rdd)} @${stream}`);
      const deps = rdd.dependencies;
      for (let d = deps.length - 1; d >= 0; d--) {
        const parent = deps[d]!.rdd as RDD<unknown>;
        if (!this.keys.has(parent)) stack.push({ rdd: parent, stream });
      }
    }
    return lines;
  }
}

function describe(rdd: RDD<unknown>): string {
  let parts: string;
  try {
    parts = String(rdd.getNumPartitions());
  } catch {
    parts = '?';
  }
  const p = rdd.partitioner;
  return `${rdd.constructor.name}[${parts}]${p === undefined ? '' : ` ${p.constructor.name}(${p.numPartitions})`}`;
}
