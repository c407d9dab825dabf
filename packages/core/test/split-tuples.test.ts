// The `[key, value]` tuples a user's `map` returns to a map side that keeps key and value
// columns (groupByKey, updateStateByKey, combineByKey without a map-side combine) are not
// allocated: the loop writes the columns as a loop that reads the record's fields does.
// Counted as young-generation collections in a child process over 1,024,000 records, against
// that field-reading loop (the ideal) and against the loop as it was (appending by `push`,
// which keeps V8 from replacing the tuple by its fields).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const fixture = join('packages', 'core', 'test', 'fixtures', 'split-tuples.ts');

interface LoopCount { loop: string; records: number; sum: number; scavenges: number }

function run(): Promise<Map<string, LoopCount>> {
  // 1 MB semi-spaces: a collection per megabyte allocated. Compiles on the main thread, so
  // that what is optimized, and when, does not depend on the machine's load.
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--min-semi-space-size=1', '--max-semi-space-size=1', '--no-concurrent-recompilation', '--no-concurrent-osr'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, fixture], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`${error.message}\n${stderr}`));
      const counts = new Map<string, LoopCount>();
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const c = JSON.parse(line) as LoopCount;
        counts.set(c.loop, c);
      }
      resolve(counts);
    });
  });
}

describe("a map side's key and value columns", () => {
  it("do not cost a tuple per record", async () => {
    const counts = await run();
    const push = counts.get('push')!;
    const fields = counts.get('fields')!;
    const engine = counts.get('engine')!;
    // The three loops map the same records to the same columns.
    for (const c of [push, fields, engine]) {
      expect(c.records).toBe(1_024_000);
      // sum of amount * price: amount 1 + (i % 13), price 51 or 12 by i's parity, 1,000 parts of 1,024.
      let want = 0;
      for (let i = 0; i < 1024; i++) want += (1 + (i % 13)) * (i % 2 === 0 ? 51 : 12);
      expect(c.sum).toBe(want * 1000);
    }
    // The control allocates a tuple per record (32 MB or more over these records)...
    expect(push.scavenges - fields.scavenges).toBeGreaterThan(12);
    // ...the engine's loop allocates what the field-reading loop does.
    expect(engine.scavenges - fields.scavenges).toBeLessThanOrEqual(3);
  }, 120_000);
});
