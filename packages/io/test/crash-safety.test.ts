import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WriteAheadLog, writeFolderAtomically } from '../src/index.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs();
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/** Deterministic kill delays (a small LCG), so a failure can be reproduced. */
function seededDelays(seed: number, n: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return min + (x % (max - min));
  });
}

function startChild(script: string, args: string[]): { child: ChildProcess; lines: string[]; waitFor(pred: (lines: string[]) => boolean): Promise<void> } {
  const child = spawn(process.execPath, ['--conditions=kindling-source', '--import', 'tsx', join(here, 'fixtures', script), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let carry = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    const parts = (carry + t).split('\n');
    carry = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (pred: (lines: string[]) => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!pred(lines)) {
      if (Date.now() > deadline) throw new Error(`child ${script} did not get there; stdout so far: ${lines.slice(-3).join(' | ')}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { child, lines, waitFor };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety (SIGKILL at seeded random points)', () => {
  it('a batch folder is always absent or complete with parts of one version, and the next write cleans up', async () => {
    const parts = 6;
    for (const delay of seededDelays(42, 5, 50, 600)) {
      const d = tempDir();
      const out = join(d, 'output-1000.txt');
      const { child, waitFor } = startChild('folder-writer.ts', [out, String(parts)]);
      await waitFor((l) => l.includes('ready'));
      await sleep(delay);
      await kill(child);
      if (existsSync(out)) {
        const names = readdirSync(out).sort();
        expect(names).toEqual(['_SUCCESS', ...Array.from({ length: parts }, (_, i) => `part-${String(i).padStart(5, '0')}`)]);
        const versions = new Set(names.filter((n) => n.startsWith('part-')).map((n) => readFileSync(join(out, n), 'utf8').split(' ')[0]));
        expect(versions.size).toBe(1);
      } else {
        // killed between moving the old folder aside and renaming the new one in: the old
        // complete version is still there, hidden, and a re-run of the batch restores the folder
        expect(readdirSync(d).some((n) => n.startsWith('.output-1000.txt.old-'))).toBe(true);
      }
      await writeFolderAtomically(out, ['rerun\n']);
      expect(readdirSync(d)).toEqual(['output-1000.txt']);
      expect(readdirSync(out).sort()).toEqual(['_SUCCESS', 'part-00000']);
    }
  }, 90_000);

  it('a write-ahead log gives back every acknowledged record, in order, after a kill', async () => {
    for (const acks of seededDelays(7, 5, 10, 150)) {
      const dir = join(tempDir(), 'wal');
      const { child, lines, waitFor } = startChild('wal-writer.ts', [dir]);
      await waitFor((l) => l.length >= acks);
      await kill(child);
      const acknowledged = lines.length;
      const problems: string[] = [];
      const wal = await WriteAheadLog.open(dir, { onProblem: (p) => problems.push(p.reason) });
      const records = await wal.readAll();
      expect(records.length).toBeGreaterThanOrEqual(acknowledged);
      records.forEach((r, i) => {
        expect(r.time).toBe(i);
        expect(Buffer.from(r.data).toString()).toBe(`record-${i}:${'x'.repeat(i % 200)}`);
      });
      // at most the one append in flight can be torn
      expect(problems.length).toBeLessThanOrEqual(1);
      await wal.close();
    }
  }, 90_000);
});
