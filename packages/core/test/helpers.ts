import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, ShuffleDependency, type RDD, type RDDComputeError } from '../src/index.ts';

/** A fresh `local[2]` context per test, stopped afterwards; `ctx.sc` inside tests. */
export function useSparkContext(master = 'local[2]', configure?: (c: SparkConf) => void): { sc: SparkContext } {
  const holder = {} as { sc: SparkContext };
  beforeEach(() => {
    const conf = new SparkConf().setMaster(master).setAppName('test');
    configure?.(conf);
    holder.sc = new SparkContext(conf);
  });
  afterEach(() => {
    holder.sc.stop();
  });
  return holder;
}

/** A temporary directory per test, removed afterwards. */
export function useTempDir(): { dir: string } {
  const holder = {} as { dir: string };
  beforeEach(() => {
    holder.dir = mkdtempSync(join(tmpdir(), 'kindling-core-'));
  });
  afterEach(() => {
    rmSync(holder.dir, { recursive: true, force: true });
  });
  return holder;
}

/** Every RDD reachable through `dependencies` (iterative). */
export function lineage(rdd: RDD<unknown>): RDD<unknown>[] {
  const seen = new Set<RDD<unknown>>([rdd]);
  const stack = [rdd];
  while (stack.length) {
    const r = stack.pop()!;
    for (const d of r.dependencies) if (!seen.has(d.rdd)) { seen.add(d.rdd); stack.push(d.rdd); }
  }
  return [...seen];
}

/** The number of shuffle dependencies in the lineage. */
export function countShuffles(rdd: RDD<unknown>): number {
  let n = 0;
  for (const r of lineage(rdd)) for (const d of r.dependencies) if (d instanceof ShuffleDependency) n++;
  return n;
}

/** Sorts a copy with the natural order of JSON text (for order-free comparisons). */
export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The error an action's promise rejects with (an {@link RDDComputeError}); fails the test when it resolves. */
export async function failure(p: Promise<unknown>): Promise<RDDComputeError> {
  try {
    await p;
  } catch (e) {
    return e as RDDComputeError;
  }
  throw new Error('expected the action to fail');
}
