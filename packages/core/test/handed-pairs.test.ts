// The pairs the engine builds from columns and hands over whole (a collect()'s result, a user
// function's input) must not be pretenured by V8 (see src/util/handed-pair.ts): in a child
// process whose first scavenges find a whole partition's pairs alive, pairs built and dropped
// afterwards must stay young, where an array literal's go straight to the old space.
import { describe, expect, it } from 'vitest';
import { runOldSpaceFixture } from './support/old-space-fixture.ts';

const fixture = 'packages/core/test/fixtures/handed-pairs-old-space.ts';

describe('pairs built from columns', () => {
  it('stay in the young generation after scavenges found a whole partition of them alive', async () => {
    const ways = await runOldSpaceFixture(fixture);
    const literal = ways.find((w) => w.way === 'literal')!;
    const engine = ways.find((w) => w.way === 'engine')!;
    // A pair is two objects of 32 bytes (the array and its two-element store) on 64-bit V8.
    const partitionBytes = 5_000 * 64;
    expect(engine.count).toBe(5_000);
    expect(literal.count).toBe(5_000);
    // The control: the procedure does make V8 pretenure an array literal, whose pairs are then
    // built in the old space (about 258 KB a partition here).
    expect(literal.oldSpaceBytes).toBeGreaterThan(0.5 * partitionBytes);
    // The engine's are built young (nothing in the old space).
    expect(engine.oldSpaceBytes).toBeLessThan(0.1 * partitionBytes);
  }, 120_000);
});
