import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AcquiredPartition, CommitOutcome, GroupGrid, PartitionBatch, PartitionCommit, PartitionLeases, TopicPartition } from '@kindling/dstream';
import type { RedisClient } from './redis-connection.ts';
import { commitGroupOffsets } from './redis-group-offsets.ts';

/**
 * The keys of a group in Redis. Every key carries the hash tag `{<group>}`, so on Redis
 * Cluster a group lives in one slot and every script below stays one atomic step.
 *
 * | key | type | content |
 * |---|---|---|
 * | `kindling:group:{g}` | hash | `zeroTime`, `batchMs`, `partitions` (JSON): the shared batch grid |
 * | `kindling:group:{g}:members` | hash | member id -> heartbeat expiry (server ms) |
 * | `kindling:group:{g}:progress` | hash | `topic-p` -> last committed batch time |
 * | `kindling:group:{g}:<topic-p>:lease` | string | owner member id, with a TTL (`PX` lease time) |
 * | `kindling:group:{g}:<topic-p>:epoch` | integer | incremented by every acquisition |
 * | `kindling:group:{g}:<topic-p>:commit` | hash | `next`, `batch`, `from`, `epoch` of the last commit |
 * | `kindling:group:{g}:<topic-p>:desc` | hash | batch time -> `from:until`, recorded before outputs |
 * | `kindling:group:{g}:<topic-p>:state:<stream>` | hash | key JSON -> state JSON (the committed state) |
 */
export function groupKeys(group: string): { record: string; members: string; progress: string; partition(tp: TopicPartition): { lease: string; epoch: string; commit: string; desc: string; state(stream: string): string } } {
  const base = `kindling:group:{${group}}`;
  return {
    record: base,
    members: `${base}:members`,
    progress: `${base}:progress`,
    partition(tp) {
      const p = `${base}:${tp.topic}-${tp.partition}`;
      return { lease: `${p}:lease`, epoch: `${p}:epoch`, commit: `${p}:commit`, desc: `${p}:desc`, state: (stream) => `${p}:state:${stream}` };
    },
  };
}

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: record, members. ARGV: member, leaseMs, zeroTime, batchMs, partitions JSON. */
const JOIN = `${NOW}
redis.call('HSETNX', KEYS[1], 'zeroTime', ARGV[3])
redis.call('HSETNX', KEYS[1], 'batchMs', ARGV[4])
redis.call('HSETNX', KEYS[1], 'partitions', ARGV[5])
redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[2]))
return redis.call('HMGET', KEYS[1], 'zeroTime', 'batchMs', 'partitions')`;

/** KEYS: members. ARGV: member, leaseMs. Returns the live members (expired ones are removed). */
const HEARTBEAT = `${NOW}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) > now then live[#live + 1] = all[i] else redis.call('HDEL', KEYS[1], all[i]) end
end
return live`;

/** KEYS: lease, epoch, commit, desc. ARGV: member, leaseMs. {0, holder} or {1, epoch, next, batch, desc...}. */
const ACQUIRE = `local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return {0, cur} end
local e = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local c = redis.call('HMGET', KEYS[3], 'next', 'batch')
return {1, e, c[1] or '', c[2] or '', redis.call('HGETALL', KEYS[4])}`;

/** KEYS: lease, epoch. ARGV: member, epoch, leaseMs. 1 renewed, 0 lost. */
const RENEW = `if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

/** KEYS: epoch, desc. ARGV: epoch, time, 'from:until'. The recorded range, or false when fenced. */
const DESCRIBE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])
return redis.call('HGET', KEYS[2], ARGV[2])`;

/** KEYS: lease, epoch. ARGV: member, epoch. */
const RELEASE = `if redis.call('GET', KEYS[2]) == ARGV[2] and redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * The commit (the study's recipe, atomic): KEYS: epoch, commit, desc, progress, then one state
 * hash per stream. ARGV: epoch, time, from, until, partition key, partition count, then per
 * stream: #set, #removed, the set pairs, the removed keys.
 */
const COMMIT = `local e = redis.call('GET', KEYS[1])
if e ~= ARGV[1] then return {'FENCED', e or '0'} end
local time, from, untl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function complete()
  if redis.call('HLEN', KEYS[4]) < tonumber(ARGV[6]) then return '' end
  local m = nil
  for _, v in ipairs(redis.call('HVALS', KEYS[4])) do local n = tonumber(v) if m == nil or n < m then m = n end end
  return tostring(m)
end
local c = redis.call('HMGET', KEYS[2], 'next', 'batch', 'from')
if c[2] and tonumber(c[2]) == time and tonumber(c[3]) == from and tonumber(c[1]) == untl then return {'ALREADY', complete()} end
if c[1] and tonumber(c[1]) ~= from then return {'OFFSET_MISMATCH', c[1]} end
if c[2] and tonumber(c[2]) >= time then return {'OFFSET_MISMATCH', c[1]} end
local a = 7
for k = 5, #KEYS do
  local nset, ndel = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  for i = 1, nset do redis.call('HSET', KEYS[k], ARGV[a], ARGV[a + 1]) a = a + 2 end
  for i = 1, ndel do redis.call('HDEL', KEYS[k], ARGV[a]) a = a + 1 end
end
redis.call('HSET', KEYS[2], 'next', ARGV[4], 'batch', ARGV[2], 'from', ARGV[3], 'epoch', ARGV[1])
for _, f in ipairs(redis.call('HKEYS', KEYS[3])) do if tonumber(f) <= time then redis.call('HDEL', KEYS[3], f) end end
redis.call('HSET', KEYS[4], ARGV[5], ARGV[2])
return {'OK', complete()}`;

/**
 * Group mode on Redis ({@link PartitionLeases}): the keys of {@link groupKeys}, each step
 * one Lua script run with `EVAL` (atomic on the server, with the server's clock). The commit
 * refuses a stale epoch (`FENCED`), a gap or an overlap (`OFFSET_MISMATCH`), and answers
 * `ALREADY` to the identical re-commit of a replayed batch; after it, the consumer group's
 * position (`XGROUP SETID`) follows for operators (not part of the atomic step).
 */
export class RedisPartitionLeases implements PartitionLeases {
  readonly memberId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly #keys: ReturnType<typeof groupKeys>;
  #leaseMs = 10_000;
  #numPartitions = 0;
  readonly #known = new Set<string>();

  constructor(private readonly client: () => RedisClient, readonly group: string) {
    this.#keys = groupKeys(group);
  }

  private async eval(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.client().sendCommand(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);
  }

  async join(grid: GroupGrid, leaseMs: number): Promise<GroupGrid> {
    this.#leaseMs = leaseMs;
    this.#numPartitions = grid.partitions.length;
    const r = await this.eval(JOIN, [this.#keys.record, this.#keys.members], [this.memberId, leaseMs, grid.zeroTime, grid.batchMs, JSON.stringify(grid.partitions)]) as string[];
    return { zeroTime: Number(r[0]), batchMs: Number(r[1]), partitions: JSON.parse(r[2]!) as string[] };
  }

  async heartbeat(): Promise<string[]> {
    const live = await this.eval(HEARTBEAT, [this.#keys.members], [this.memberId, this.#leaseMs]) as string[];
    return live.map(String).sort();
  }

  async acquire(tp: TopicPartition): Promise<AcquiredPartition | undefined> {
    const k = this.#keys.partition(tp);
    const r = await this.eval(ACQUIRE, [k.lease, k.epoch, k.commit, k.desc], [this.memberId, this.#leaseMs]) as unknown[];
    if (Number(r[0]) !== 1) return undefined;
    const next = r[2] === '' ? undefined : Number(r[2]);
    const lastBatch = r[3] === '' ? undefined : Number(r[3]);
    const desc = r[4] as string[];
    const pending: PartitionBatch[] = [];
    for (let i = 0; i + 1 < desc.length; i += 2) {
      const time = Number(desc[i]);
      if (lastBatch !== undefined && time <= lastBatch) continue;
      const [from, until] = desc[i + 1]!.split(':').map(Number) as [number, number];
      pending.push({ time, fromOffset: from, untilOffset: until });
    }
    pending.sort((a, b) => a.time - b.time);
    return { epoch: Number(r[1]), next, lastBatch, pending };
  }

  async renew(tp: TopicPartition, epoch: number): Promise<boolean> {
    const k = this.#keys.partition(tp);
    return Number(await this.eval(RENEW, [k.lease, k.epoch], [this.memberId, epoch, this.#leaseMs])) === 1;
  }

  async describe(tp: TopicPartition, epoch: number, batch: PartitionBatch): Promise<PartitionBatch | undefined> {
    const k = this.#keys.partition(tp);
    const r = await this.eval(DESCRIBE, [k.epoch, k.desc], [epoch, batch.time, `${batch.fromOffset}:${batch.untilOffset}`]);
    if (r === null || r === undefined) return undefined;
    const [from, until] = String(r).split(':').map(Number) as [number, number];
    return { time: batch.time, fromOffset: from, untilOffset: until };
  }

  async loadState(tp: TopicPartition, stream: string): Promise<(readonly [string, string])[]> {
    const r = await this.client().sendCommand(['HGETALL', this.#keys.partition(tp).state(stream)]) as string[] | Record<string, string>;
    const out: [string, string][] = [];
    if (Array.isArray(r)) for (let i = 0; i + 1 < r.length; i += 2) out.push([r[i]!, r[i + 1]!]);
    else for (const [key, v] of Object.entries(r ?? {})) out.push([key, v]);
    return out;
  }

  async commit(c: PartitionCommit): Promise<CommitOutcome> {
    const k = this.#keys.partition(c);
    const keys = [k.epoch, k.commit, k.desc, this.#keys.progress, ...c.state.map((s) => k.state(s.stream))];
    const args: (string | number)[] = [c.epoch, c.time, c.fromOffset, c.untilOffset, `${c.topic}-${c.partition}`, this.#numPartitions];
    for (const s of c.state) {
      args.push(s.set.length, s.removed.length);
      for (const [key, v] of s.set) args.push(key, v);
      for (const key of s.removed) args.push(key);
    }
    const r = await this.eval(COMMIT, keys, args) as string[];
    const status = String(r[0]);
    if (status === 'FENCED') return { status, epoch: Number(r[1]) };
    if (status === 'OFFSET_MISMATCH') return { status, expected: r[1] === undefined || r[1] === null ? undefined : Number(r[1]) };
    if (status !== 'OK' && status !== 'ALREADY') throw new Error(`unexpected commit reply ${JSON.stringify(r)}`);
    if (status === 'OK') {
      // The consumer group's position, for operators (XINFO GROUPS shows lag); not part of the atomic commit.
      await commitGroupOffsets(this.client(), this.group, [{ topic: c.topic, partition: c.partition, offset: c.untilOffset }], this.#known).catch(() => undefined);
    }
    return { status, completeUpTo: r[1] === '' || r[1] === undefined ? undefined : Number(r[1]) };
  }

  async release(tp: TopicPartition, epoch: number): Promise<void> {
    const k = this.#keys.partition(tp);
    await this.eval(RELEASE, [k.lease, k.epoch], [this.memberId, epoch]);
  }

  async leave(): Promise<void> {
    await this.client().sendCommand(['HDEL', this.#keys.members, this.memberId]);
  }
}
