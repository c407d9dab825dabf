// The pairs an inverse window's filter keeps are the window's records until the next window
// drops them: built by an array literal, a scavenge in between could make V8 pretenure the
// literal's site, and every later window's pairs went straight to the old space (wordcount-inv:
// 32 MB of a 40-batch run's allocations reached the old generation, peak heap 93-97 MB against
// 72 when the site stayed young; BENCHMARKS.md, "Peak heap: ... (stop 22, heap)"). In a child
// process whose first scavenges find a whole window's pairs alive, windows built afterwards
// must stay young, where an array literal's pairs go straight to the old space.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const fixture = join('packages', 'dstream', 'test', 'fixtures', 'window-pairs-old-space.ts');

interface Way { way: string; records: number; oldSpaceBytes: number }

function run(): Promise<Way[]> {
  // gc() to place the scavenges, and a young generation at its largest from the start (4 MB
  // semi-spaces), so that V8 decides at the first samples, as it does in a long run.
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--expose-gc', '--min-semi-space-size=4', '--max-semi-space-size=4'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, fixture], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Way));
    });
  });
}

describe('an inverse window\'s filtered pairs', () => {
  it('stay in the young generation after scavenges found a whole window of them alive', async () => {
    const ways = await run();
    const literal = ways.find((w) => w.way === 'literal')!;
    const engine = ways.find((w) => w.way === 'engine')!;
    // A pair is two objects of 32 bytes (the array and its two-element store) on 64-bit V8.
    const windowBytes = 5_000 * 64;
    expect(engine.records).toBe(5_000);
    expect(literal.records).toBe(5_000);
    // The control: the procedure does make V8 pretenure an array literal (about 258 KB a window here).
    expect(literal.oldSpaceBytes).toBeGreaterThan(0.5 * windowBytes);
    // The engine's window is built young (its key and value columns too: nothing in the old space).
    expect(engine.oldSpaceBytes).toBeLessThan(0.1 * windowBytes);
  }, 120_000);
});
