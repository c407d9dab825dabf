import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionTracker } from '../src/session-tracker.ts';
import { UsageError } from '../src/run-example.ts';
import { runOnOneAndTwo, type FedExample } from './support/fed-run.ts';
import { printedBatches } from './support/printed.ts';

const TIMEOUT_S = 6;
const open: [string, string[]][] = [['alice', ['home']], ['erin', ['home', 'faq']]];
// 2 s batches: batch i is at (i + 1) * 2000 ms
const batches = [
  ['alice about', 'bob home'],
  ['bob cart', 'not-a-click'],
  [],
  ['carol home'],
  [],
  ['bob pay'],
  [],
  ['dave home', 'alice home'],
];

/**
 * Known answers, from Spark's mapWithState rules: a record for a key is one call with its
 * value, in order; a key with state and no record in a batch times out in that batch when it
 * was last updated more than the timeout before it (an initial state counts as updated at the
 * first batch), with one call whose result is emitted; then its state is gone.
 */
function expectedRun(): { events: string[][]; snapshots: string[] } {
  const sessions = new Map(open.map(([u, p]) => [u, { pages: [...p], last: 2000 }]));
  const events: string[][] = [];
  const snapshots: string[] = [];
  batches.forEach((lines, i) => {
    const t = (i + 1) * 2000;
    const out: string[] = [];
    const clicked = new Set<string>();
    for (const fields of lines.map((l) => l.split(' ')).filter((f) => f.length === 2)) {
      const [user, page] = fields as [string, string];
      const s = sessions.get(user) ?? { pages: [], last: t };
      s.pages.push(page);
      s.last = t;
      sessions.set(user, s);
      clicked.add(user);
      out.push(`(${user},${s.pages.join(' > ')})`);
    }
    for (const [user, s] of [...sessions]) {
      if (!clicked.has(user) && t - s.last > TIMEOUT_S * 1000) {
        out.push(`(${user},session ended after ${s.pages.length} pages)`);
        sessions.delete(user);
      }
    }
    events.push(out.sort());
    snapshots.push(`Open sessions at ${t} ms: ${[...sessions].map(([u, s]) => `${u}(${s.pages.length})`).sort().join(', ')}`);
  });
  return { events, snapshots };
}

describe('SessionTracker', () => {
  let dir: string | undefined;
  afterEach(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('emits each session as it grows and once more when it times out, the same under local[1] and local[2]', async () => {
    dir = await mkdtemp(join(tmpdir(), 'session-tracker-'));
    const root = dir;
    let runs = 0;
    const example: FedExample = {
      build: (port, conf, println) => sessionTracker(['127.0.0.1', String(port), String(TIMEOUT_S)], conf, join(root, `run-${runs++}`), println, open),
      batches,
    };
    const { one, two } = await runOnOneAndTwo(example);
    const { events, snapshots } = expectedRun();
    // the reference itself: erin (initial, idle) and alice close at 10 s, carol at 16 s; bob's
    // pay at 12 s comes before his timeout, so his session goes on
    expect(events[4]).toEqual(['(alice,session ended after 2 pages)', '(erin,session ended after 2 pages)']);
    expect(events[5]).toEqual(['(bob,home > cart > pay)']);
    expect(events[7]).toEqual(['(alice,home)', '(carol,session ended after 1 pages)', '(dave,home)']);
    const printed = (out: string[]): { events: string[][]; snapshots: string[] } => ({
      events: printedBatches(out).map((b) => b.lines.filter((l) => !l.startsWith('Open sessions')).sort()),
      snapshots: out.filter((l) => l.startsWith('Open sessions')),
    });
    expect(printed(one.out)).toEqual({ events, snapshots });
    expect(printed(two.out)).toEqual(printed(one.out));
  }, 120_000);

  it('prints its usage when arguments are missing', async () => {
    await expect(sessionTracker(['localhost'])).rejects.toThrow(UsageError);
  });
});
