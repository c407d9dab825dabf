import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from './checkpoint-store.ts';
import { CHECKPOINT_FORMAT_VERSION } from './metadata-checkpoint.ts';
import type { MetadataCheckpoint } from './metadata-checkpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'kindling-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function checkpoint(sequence: number): MetadataCheckpoint {
  return {
    version: CHECKPOINT_FORMAT_VERSION, sequence, reason: 'generated', batchTime: sequence * 1000, latestGeneratedTime: sequence * 1000,
    writtenAt: 0, batchDurationMs: 1000, zeroTimeMs: 0, pendingTimes: [sequence * 1000], streams: [], outputs: [], rddCheckpointDir: undefined,
    inputs: [],
  };
}

/** Lets the thread pool's open of the next temporary file complete (a bounded number of turns, no timing). */
async function untilHidden(dir: string, present: boolean): Promise<string[]> {
  for (let i = 0; i < 20_000; i++) {
    const hidden = readdirSync(dir).filter((n) => n.startsWith('.'));
    if ((hidden.length > 0) === present) return hidden;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`the temporary file opened ahead never ${present ? 'appeared' : 'went away'} in ${dir}`);
}

describe('CheckpointStore opening ahead', () => {
  it('writes each checkpoint through the temporary file opened ahead, and release leaves no hidden file', async () => {
    const store = new CheckpointStore(join(root, 'a'));
    store.openAhead();
    store.writeInPlace(checkpoint(1));
    // the next write's temporary file: hidden, named like a half-written checkpoint (removed by the next run after a kill)
    const [spare] = await untilHidden(store.metadataDir, true);
    expect(spare).toMatch(/^\.checkpoint-/);
    expect(store.temporaryFiles()).toEqual([join(store.metadataDir, spare!)]);
    for (let seq = 2; seq <= 4; seq++) {
      store.writeInPlace(checkpoint(seq));
      await untilHidden(store.metadataDir, true);
    }
    expect(store.list().map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    expect(store.readNewestFirst().next().value?.checkpoint).toEqual(checkpoint(4));
    expect([...store.readNewestFirst()].map((s) => s.checkpoint.sequence)).toEqual([4, 3, 2, 1]);
    await store.release();
    expect(readdirSync(store.metadataDir).filter((n) => n.startsWith('.'))).toEqual([]);
    // after release a write opens its own file and opens none ahead
    store.writeInPlace(checkpoint(5));
    await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(store.metadataDir).sort()).toEqual([1, 2, 3, 4, 5].map((s) => `checkpoint-${String(s).padStart(12, '0')}`));
  });

  it('a release while the open is still on the thread pool deletes the file once it is open', async () => {
    const store = new CheckpointStore(join(root, 'b'));
    store.openAhead();
    store.writeInPlace(checkpoint(1));
    await store.release();
    await untilHidden(store.metadataDir, false);
    expect(readdirSync(store.metadataDir)).toEqual(['checkpoint-000000000001']);
  });
});
