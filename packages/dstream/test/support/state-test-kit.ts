import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * A fresh checkpoint folder per call, all removed after each test of the suite that calls
 * this at its top level.
 */
export function useCheckpointDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** Order within a batch depends on partitioning: compare batches as sorted lists. */
export function sorted<T>(batches: T[][]): T[][] {
  return batches.map((b) => [...b].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : JSON.stringify(x) > JSON.stringify(y) ? 1 : 0)));
}

/** Each batch's words as `[word, 1]` pairs (an undefined batch stays undefined). */
export const words = (batches: (string[] | undefined)[]): ([string, number][] | undefined)[] =>
  batches.map((b) => b?.map((w) => [w, 1] as [string, number]));
