// Checkpoints written before the operator kinds (format version 2, class-style kinds such as
// `StateDStream`, in kinds, ids and structural keys) are still recovered: the committed fixture
// test/fixtures/legacy-kinds-checkpoint was written by Kindling at format version 2 running
// test/support/legacy-kind-program.ts to batch 5 s (graceful stop), keeping only its newest
// metadata checkpoint and the state folders it names.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot, runChild } from './support/child-process.ts';

const root = mkdtempSync(join(tmpdir(), 'kindling-legacy-kinds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result { resumedAt: number; total: Record<string, number>; windowed: Record<string, number>; ids: string[] }

it('a format 2 checkpoint with class-style kinds recovers its updateStateByKey and reduceByKeyAndWindow state', async () => {
  const fixture = join(repoRoot, 'packages/dstream/test/fixtures/legacy-kinds-checkpoint');
  const old = readFileSync(join(fixture, 'metadata', readdirSync(join(fixture, 'metadata'))[0]!), 'utf8');
  expect(old.startsWith('KINDLING-CHECKPOINT 2 ')).toBe(true);
  for (const legacy of ['"kind":"StateDStream"', '"kind":"ReducedWindowedDStream"', '"id":"MappedDStream#1"', 'StateDStream(MappedDStream(TestInputDStream@0))']) expect(old).toContain(legacy);

  const dir = join(root, 'checkpoint');
  cpSync(fixture, dir, { recursive: true });
  const run = await runChild('packages/dstream/test/support/legacy-kind-program.ts', { dir, until: 8000 });
  expect(run.code, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Result;
  // Batch i holds a -> 1 and b -> i. The state of batches 1-5 comes from the checkpoint.
  const sum = (from: number, to: number, f: (i: number) => number): number => { let s = 0; for (let i = from; i <= to; i++) s += f(i); return s; };
  expect(result.resumedAt).toBe(5000);
  expect(result.total).toEqual({ a: sum(1, 8, () => 1), b: sum(1, 8, (i) => i) });
  // A 3 s window sliding by 1 s at batch 8: batches 6, 7 and 8 (its inverse-reduced state was restored).
  expect(result.windowed).toEqual({ a: sum(6, 8, () => 1), b: sum(6, 8, (i) => i) });
  expect(result.ids).toEqual(['testInput#0', 'map#1', 'updateStateByKey#2', 'reduceByKeyAndWindow#3']);
  expect(run.stdout + run.stderr).not.toMatch(/is not in the new program|is new \(starts without checkpointed data\)|Falling back/);
  // What the recovered run wrote is in the current format, with operator kinds.
  const newest = readdirSync(join(dir, 'metadata')).sort().at(-1)!;
  const written = readFileSync(join(dir, 'metadata', newest), 'utf8');
  expect(written).toMatch(/^KINDLING-CHECKPOINT 3 /);
  expect(written).toContain('"structuralKey":"updateStateByKey(map(testInput@0))"');
  expect(written).not.toContain('StateDStream');
}, 120_000);
