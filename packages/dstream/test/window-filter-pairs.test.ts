// The pairs an inverse window's filter keeps are the window's records until the next window
// drops them: built by an array literal, a scavenge in between could make V8 pretenure the
// literal's site, and every later window's pairs went straight to the old space (wordcount-inv:
// 32 MB of a 40-batch run's allocations reached the old generation, peak heap 93-97 MB against
// 72 when the site stayed young; BENCHMARKS.md, "Peak heap: ... (stop 22, heap)"). In a child
// process whose first scavenges find a whole window's pairs alive, windows built afterwards
// must stay young, where an array literal's pairs go straight to the old space.
import { describe, expect, it } from 'vitest';
import { runOldSpaceFixture } from '../../core/test/support/old-space-fixture.ts';

const fixture = 'packages/dstream/test/fixtures/window-pairs-old-space.ts';

describe('an inverse window\'s filtered pairs', () => {
  it('stay in the young generation after scavenges found a whole window of them alive', async () => {
    const ways = await runOldSpaceFixture(fixture);
    const literal = ways.find((w) => w.way === 'literal')!;
    const engine = ways.find((w) => w.way === 'engine')!;
    // A pair is two objects of 32 bytes (the array and its two-element store) on 64-bit V8.
    const windowBytes = 5_000 * 64;
    expect(engine.count).toBe(5_000);
    expect(literal.count).toBe(5_000);
    // The control: the procedure does make V8 pretenure an array literal (about 258 KB a window here).
    expect(literal.oldSpaceBytes).toBeGreaterThan(0.5 * windowBytes);
    // The engine's window is built young (its key and value columns too: nothing in the old space).
    expect(engine.oldSpaceBytes).toBeLessThan(0.1 * windowBytes);
  }, 120_000);
});
