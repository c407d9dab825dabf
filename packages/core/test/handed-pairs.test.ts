// The pairs the engine builds from columns and hands over whole (a collect()'s result, a user
// function's input) must not be pretenured by V8 (see src/util/handed-pair.ts): in a child
// process whose first scavenges find a whole partition's pairs alive, pairs built and dropped
// afterwards must stay young, where an array literal's go straight to the old space.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const fixture = join('packages', 'core', 'test', 'fixtures', 'handed-pairs-old-space.ts');

interface Way { way: string; pairs: number; oldSpaceBytes: number }

function run(): Promise<Way[]> {
  // Flags of this test only: gc() to place the scavenges, and a young generation at its largest
  // from the start (4 MB semi-spaces), so that V8 decides at the first samples, as it does once
  // the young generation has grown in a long run.
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--expose-gc', '--min-semi-space-size=4', '--max-semi-space-size=4'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, fixture], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Way));
    });
  });
}

describe('pairs built from columns', () => {
  it('stay in the young generation after scavenges found a whole partition of them alive', async () => {
    const ways = await run();
    const literal = ways.find((w) => w.way === 'literal')!;
    const engine = ways.find((w) => w.way === 'engine')!;
    // A pair is two objects of 32 bytes (the array and its two-element store) on 64-bit V8.
    const partitionBytes = 5_000 * 64;
    expect(engine.pairs).toBe(5_000);
    expect(literal.pairs).toBe(5_000);
    // The control: the procedure does make V8 pretenure an array literal, whose pairs are then
    // built in the old space (about 258 KB a partition here).
    expect(literal.oldSpaceBytes).toBeGreaterThan(0.5 * partitionBytes);
    // The engine's are built young (nothing in the old space).
    expect(engine.oldSpaceBytes).toBeLessThan(0.1 * partitionBytes);
  }, 120_000);
});
