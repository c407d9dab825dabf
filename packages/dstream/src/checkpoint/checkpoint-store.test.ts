import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

  it('has the next file open by the end of the turn that wrote, whatever the thread pool is doing', async () => {
    const store = new CheckpointStore(join(root, 'turn'));
    store.openAhead();
    store.writeInPlace(checkpoint(1));
    // Only the microtasks of this turn run: no I/O callback, so no thread-pool round trip can complete.
    await Promise.resolve();
    await Promise.resolve();
    const hidden = readdirSync(store.metadataDir).filter((n) => n.startsWith('.'));
    expect(hidden).toHaveLength(1);
    const spareInode = statSync(join(store.metadataDir, hidden[0]!)).ino;
    // The next write goes through that file (it creates none of its own): same inode, renamed to its name.
    store.writeInPlace(checkpoint(2));
    expect(statSync(store.fileFor(2)).ino).toBe(spareInode);
    expect(readdirSync(store.metadataDir).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(store.readLatest(() => {})?.checkpoint).toEqual(checkpoint(2));
    await store.release();
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

describe('CheckpointStore reusing superseded files', () => {
  /** A checkpoint whose file is longer than {@link checkpoint}'s (many pending batches). */
  function long(sequence: number): MetadataCheckpoint {
    const pendingTimes = Array.from({ length: 200 }, (_, i) => (i + 1) * 1000);
    return { ...checkpoint(sequence), batchTime: 200_000, latestGeneratedTime: 200_000, pendingTimes };
  }

  it('rewrites a superseded file as the next checkpoint: same inode, new name, cut to the new length', async () => {
    const store = new CheckpointStore(join(root, 'reuse'));
    store.openAhead();
    store.writeInPlace(long(1));
    for (let seq = 2; seq <= 3; seq++) {
      await store.spareReady();
      store.writeInPlace(checkpoint(seq));
    }
    // the spare just used: the superseded file 1 is taken for the next write
    expect(store.recycle(store.fileFor(1))).toBe(true);
    // one at a time: another superseded file is left for the caller to delete
    expect(store.recycle(store.fileFor(2))).toBe(false);
    const inode = statSync(store.fileFor(1)).ino;
    const longer = statSync(store.fileFor(1)).size;
    await store.spareReady();
    // until written, it keeps its name and its body
    expect(store.list().map((f) => f.seq)).toEqual([1, 2, 3]);
    store.writeInPlace(checkpoint(4));
    expect(statSync(store.fileFor(4)).ino).toBe(inode);
    expect(statSync(store.fileFor(4)).size).toBeLessThan(longer);
    expect(existsSync(store.fileFor(1))).toBe(false);
    expect([...store.readNewestFirst((w) => { throw new Error(w); })].map((s) => s.checkpoint)).toEqual([checkpoint(4), checkpoint(3), checkpoint(2)]);
    // with no file to reuse, the next one is a fresh hidden file
    const [spare] = await untilHidden(store.metadataDir, true);
    expect(spare).toMatch(/^\.checkpoint-next-/);
    await store.spareReady();
    // a superseded file handed over and not written yet is deleted on release
    store.writeInPlace(checkpoint(5));
    expect(store.recycle(store.fileFor(2))).toBe(true);
    await store.release();
    expect(readdirSync(store.metadataDir).sort()).toEqual([3, 4, 5].map((s) => `checkpoint-${String(s).padStart(12, '0')}`));
  });

  /** The files under `dir` this process holds open (Linux: /proc/self/fd), sorted. */
  function openFilesUnder(dir: string): string[] {
    const out: string[] = [];
    for (const fd of readdirSync('/proc/self/fd')) {
      let target: string;
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue; // the descriptor readdir itself used
      }
      if (target.startsWith(`${dir}/`)) out.push(target);
    }
    return out.sort();
  }

  it.runIf(existsSync('/proc/self/fd'))('reuses a superseded file it wrote through the descriptor that write left open: no open between two writes, all closed on release', async () => {
    const store = new CheckpointStore(join(root, 'kept'));
    store.openAhead();
    store.writeInPlace(long(1));
    for (let seq = 2; seq <= 3; seq++) {
      await store.spareReady();
      store.writeInPlace(checkpoint(seq));
    }
    // files 2 and 3 were written through files opened ahead, whose descriptors stay open
    expect(openFilesUnder(store.metadataDir)).toEqual([store.fileFor(2), store.fileFor(3)]);
    const inode = statSync(store.fileFor(2)).ino;
    expect(store.recycle(store.fileFor(2))).toBe(true);
    // the next write goes to the reused file in the same turn: nothing to wait for on the thread pool
    store.writeInPlace(checkpoint(4));
    expect(statSync(store.fileFor(4)).ino).toBe(inode);
    expect(existsSync(store.fileFor(2))).toBe(false);
    // written from its start (the kept descriptor was past the end of its first body) and cut
    expect([...store.readNewestFirst((w) => { throw new Error(w); })].map((s) => s.checkpoint)).toEqual([checkpoint(4), checkpoint(3), long(1)]);
    // a file that cannot be reused (a spare is open) is deleted by the caller: its descriptor is closed first
    await store.spareReady();
    expect(store.recycle(store.fileFor(3))).toBe(false);
    expect(openFilesUnder(store.metadataDir).filter((f) => !f.includes('/.checkpoint-'))).toEqual([store.fileFor(4)]);
    await store.release();
    expect(openFilesUnder(store.metadataDir)).toEqual([]);
  });

  it('cuts a reused file of an earlier run (its length unknown) to its new body', async () => {
    const dir = join(root, 'earlier');
    await new CheckpointStore(dir).write(long(1));
    const store = new CheckpointStore(dir);
    store.openAhead();
    store.writeInPlace(checkpoint(2));
    expect(store.recycle(store.fileFor(1))).toBe(true);
    await store.spareReady();
    store.writeInPlace(checkpoint(3));
    expect([...store.readNewestFirst((w) => { throw new Error(w); })].map((s) => s.checkpoint)).toEqual([checkpoint(3), checkpoint(2)]);
    await store.release();
  });

  it('never reads a file whose body is not the checkpoint its name says as that checkpoint', async () => {
    const store = new CheckpointStore(join(root, 'stale'));
    for (let seq = 1; seq <= 3; seq++) await store.write(checkpoint(seq));
    // a power cut after a reused file was renamed, before its new body reached the disk: the old body under the new name
    writeFileSync(store.fileFor(4), readFileSync(store.fileFor(2)));
    // a kill after a reused file was rewritten, before its rename: the new body under the old name
    writeFileSync(store.fileFor(1), readFileSync(store.fileFor(3)));
    const warnings: string[] = [];
    expect([...store.readNewestFirst((w) => warnings.push(w))].map((s) => [s.file, s.checkpoint.sequence])).toEqual([[store.fileFor(3), 3], [store.fileFor(2), 2]]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`${store.fileFor(4)} is unusable: its body is checkpoint 2, not the 4 its name says`);
    expect(warnings[1]).toContain(`${store.fileFor(1)} is unusable: its body is checkpoint 3, not the 1 its name says`);
    expect(store.readLatest(() => {})?.checkpoint).toEqual(checkpoint(3));
  });
});
