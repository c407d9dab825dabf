// Group mode's state in Redis (issue 15, item 3): each stateful stream's state of a partition is
// a snapshot hash plus the list of deltas committed after it; the commit script appends the
// batch's delta and folds the list into the snapshot every `snapshotInterval` deltas, atomically
// with the offsets. Driven commit by commit against a real Redis: what a new owner restores
// always equals the state worked out here, and the keys and entries per partition stay bounded
// by the live keys plus one interval of deltas however many batches ran.
import { describe, expect, it } from 'vitest';
import { groupKeys, RedisLogSource } from '../src/index.ts';
import { redisSuite } from './support/group-test-kit.ts';

const suite = redisSuite('kindling-group-state-');

/** A small deterministic generator (the test's own, so the run is reproducible). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

describe('snapshots plus deltas', () => {
  it('restores the live state after every commit, folds every K deltas, and keeps keys and entries bounded', async () => {
    const K = 4;
    const source = new RedisLogSource(suite.server.url);
    await source.open();
    try {
      const o = source.ownership('snap');
      await o.join({ zeroTime: 0, batchMs: 100, partitions: ['t-0'] }, 5000);
      const tp = { topic: 't', partition: 0 };
      const { epoch } = (await o.acquire(tp))!;
      const keys = groupKeys('snap').partition(tp);
      const random = lcg(7);
      // Two streams: 'counts' changes every batch, 'rare' every fifth batch (its list fills slower).
      const live = { counts: new Map<string, string>(), rare: new Map<string, string>() };
      let offset = 0;
      let folds = 0;
      for (let b = 1; b <= 60; b++) {
        const deltas = [];
        for (const stream of ['counts', 'rare'] as const) {
          const m = live[stream];
          const set: [string, string][] = [];
          const removed: string[] = [];
          if (stream === 'counts' || b % 5 === 0) {
            for (let i = 0; i < 6; i++) {
              const k = JSON.stringify(`k${Math.floor(random() * 30)}`);
              if (random() < 0.25 && m.has(k) && !set.some((s) => s[0] === k)) {
                if (!removed.includes(k)) removed.push(k);
              } else if (!removed.includes(k)) {
                const v = JSON.stringify({ n: b * 100 + i, s: 'a "quoted" \\ value' });
                const at = set.findIndex((s) => s[0] === k);
                if (at >= 0) set[at] = [k, v];
                else set.push([k, v]);
              }
            }
          }
          for (const [k, v] of set) m.set(k, v);
          for (const k of removed) m.delete(k);
          deltas.push({ stream, set, removed });
        }
        const before = await suite.redis.lLen(keys.deltas('counts'));
        const r = await o.commit({ ...tp, epoch, time: b * 100, fromOffset: offset, untilOffset: offset + 3, state: deltas, snapshotInterval: K });
        expect(r.status).toBe('OK');
        offset += 3;
        const after = await suite.redis.lLen(keys.deltas('counts'));
        if (after < before) folds++;
        // What a new owner restores is the state as committed.
        for (const stream of ['counts', 'rare'] as const) {
          const restored = new Map(await o.loadState(tp, stream));
          expect(restored, `${stream} after batch ${b}`).toEqual(live[stream]);
          // Bounded: fewer than K deltas after the snapshot, a snapshot no larger than the keys ever set (30).
          expect(await suite.redis.lLen(keys.deltas(stream))).toBeLessThan(K);
          expect(await suite.redis.hLen(keys.state(stream))).toBeLessThanOrEqual(30);
        }
        // Every K-th commit of 'counts' folded its list: the snapshot then is the live state.
        if (b % K === 0) expect(new Map(Object.entries(await suite.redis.hGetAll(keys.state('counts'))))).toEqual(live.counts);
      }
      expect(folds).toBe(60 / K);
      // The partition's keys: lease, epoch, commit, the group's progress aside, and per stream a snapshot and a delta list (at most).
      const all = (await suite.redis.keys('kindling:group:{snap}:t-0:*')).sort();
      expect(all.length).toBeLessThanOrEqual(7);
      expect(all.filter((k) => k.includes(':state:') || k.includes(':deltas:')).length).toBeLessThanOrEqual(4);
      // A state that empties leaves no keys behind.
      const clear = [...live.counts.keys()];
      const r = await o.commit({ ...tp, epoch, time: 6100, fromOffset: offset, untilOffset: offset + 1, state: [{ stream: 'counts', set: [], removed: clear }], snapshotInterval: 1 });
      expect(r.status).toBe('OK');
      expect(await o.loadState(tp, 'counts')).toEqual([]);
      expect(await suite.redis.exists([keys.state('counts'), keys.deltas('counts')])).toBe(0);
    } finally {
      await source.close();
    }
  }, 60_000);
});
