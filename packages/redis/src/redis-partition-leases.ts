import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DEFAULT_STATE_SNAPSHOT_INTERVAL, GroupStateLostError } from '@kindling/dstream';
import type { AcquiredPartition, CommitOutcome, DescribeOutcome, GroupGrid, GroupStateStream, PartitionBatch, PartitionCommit, PartitionLeases, StateDelta, TopicPartition } from '@kindling/dstream';
import type { RedisClient } from './redis-connection.ts';
import { commitGroupOffsets } from './redis-group-offsets.ts';

/**
 * The keys of a group in Redis. Every key carries the hash tag `{<group>}`, so on Redis
 * Cluster a group lives in one slot and every script below stays one atomic step.
 *
 * | key | type | content |
 * |---|---|---|
 * | `kindling:group:{g}` | hash | `zeroTime`, `batchMs`, `partitions` (JSON): the shared batch grid; `incarnation`: who created it, when |
 * | `kindling:group:{g}:members` | hash | member id -> heartbeat expiry (server ms) |
 * | `kindling:group:{g}:states` | hash | the state catalog: stored id -> the stateful stream (JSON `GroupStateStream`) |
 * | `kindling:group:{g}:progress` | hash | `topic-p` -> last committed batch time |
 * | `kindling:group:{g}:<topic-p>:lease` | string | owner member id, with a TTL (`PX` lease time) |
 * | `kindling:group:{g}:<topic-p>:epoch` | integer | incremented by every acquisition |
 * | `kindling:group:{g}:<topic-p>:commit` | hash | `next`, `batch`, `from`, `epoch` of the last commit |
 * | `kindling:group:{g}:<topic-p>:desc` | hash | batch time -> `from:until`, recorded before outputs |
 * | `kindling:group:{g}:<topic-p>:state:<stream>` | hash | key JSON -> state JSON: the stream's snapshot of the partition |
 * | `kindling:group:{g}:<topic-p>:deltas:<stream>` | list | the deltas committed after the snapshot, oldest first (fewer than the snapshot interval) |
 */
export function groupKeys(group: string): { record: string; members: string; progress: string; states: string; partition(tp: TopicPartition): { lease: string; epoch: string; commit: string; desc: string; state(stream: string): string; deltas(stream: string): string } } {
  const base = `kindling:group:{${group}}`;
  return {
    record: base,
    members: `${base}:members`,
    progress: `${base}:progress`,
    states: `${base}:states`,
    partition(tp) {
      const p = `${base}:${tp.topic}-${tp.partition}`;
      return { lease: `${p}:lease`, epoch: `${p}:epoch`, commit: `${p}:commit`, desc: `${p}:desc`, state: (stream) => `${p}:state:${stream}`, deltas: (stream) => `${p}:deltas:${stream}` };
    },
  };
}

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * The first step of every script an instance runs after joining: the last key is the group's
 * record and the last argument the incarnation the instance joined ('' before it joined). A
 * record gone, or created again since, fails the script with a GROUPLOST error before it
 * changes anything: the group's positions, epochs and state were lost with it (a restart
 * without persistence), and an epoch counted again from nothing could match a stale one.
 */
const GUARD = `local inc = ARGV[#ARGV]
if inc ~= '' then
  local cur = redis.call('HGET', KEYS[#KEYS], 'incarnation')
  if cur ~= inc then return redis.error_reply(cur and ('GROUPLOST the group was created again since (incarnation ' .. cur .. ', this instance joined ' .. inc .. ')') or 'GROUPLOST the group record is gone') end
end
`;

/** KEYS: record, members. ARGV: member, leaseMs, zeroTime, batchMs, partitions JSON. */
const JOIN = `${NOW}
redis.call('HSETNX', KEYS[1], 'zeroTime', ARGV[3])
redis.call('HSETNX', KEYS[1], 'batchMs', ARGV[4])
redis.call('HSETNX', KEYS[1], 'partitions', ARGV[5])
redis.call('HSETNX', KEYS[1], 'incarnation', ARGV[1] .. '@' .. now)
redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[2]))
return redis.call('HMGET', KEYS[1], 'zeroTime', 'batchMs', 'partitions', 'incarnation')`;

/** KEYS: members. ARGV: member, leaseMs. Returns the live members (expired ones are removed). */
const HEARTBEAT = `${GUARD}${NOW}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) > now then live[#live + 1] = all[i] else redis.call('HDEL', KEYS[1], all[i]) end
end
return live`;

/** KEYS: lease, epoch, commit, desc. ARGV: member, leaseMs. {0, holder} or {1, epoch, next, batch, desc...}. */
const ACQUIRE = `${GUARD}local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return {0, cur} end
local e = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local c = redis.call('HMGET', KEYS[3], 'next', 'batch')
return {1, e, c[1] or '', c[2] or '', redis.call('HGETALL', KEYS[4])}`;

/** KEYS: lease, epoch. ARGV: member, epoch, leaseMs. 1 renewed, 0 lost. */
const RENEW = `${GUARD}if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

/**
 * KEYS: epoch, desc, commit. ARGV: epoch, time, 'from:until'. {'RECORDED', range} (the range
 * already recorded for that time, else the given one), {'FENCED'}, or {'STALE', after} when
 * the time is not after the last committed batch and every recorded one (nothing recorded).
 */
const DESCRIBE = `${GUARD}if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'FENCED'} end
local cur = redis.call('HGET', KEYS[2], ARGV[2])
if cur then return {'RECORDED', cur} end
local time = tonumber(ARGV[2])
local after = tonumber(redis.call('HGET', KEYS[3], 'batch') or '')
for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do local n = tonumber(f) if after == nil or n > after then after = n end end
if after ~= nil and time <= after then return {'STALE', tostring(after)} end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return {'RECORDED', ARGV[3]}`;

/** KEYS: lease, epoch. ARGV: member, epoch. */
const RELEASE = `${GUARD}if redis.call('GET', KEYS[2]) == ARGV[2] and redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * Applies every delta of a stream's list to its snapshot hash, in order, then drops the list
 * (a delta is the JSON array `[#set, key, state, ..., removed key, ...]`, all JSON strings).
 */
const FOLD = `local function fold(snap, deltas)
  for _, d in ipairs(redis.call('LRANGE', deltas, 0, -1)) do
    local a = cjson.decode(d)
    local i = 2
    for j = 1, a[1] do redis.call('HSET', snap, a[i], a[i + 1]) i = i + 2 end
    while i <= #a do redis.call('HDEL', snap, a[i]) i = i + 1 end
  end
  redis.call('DEL', deltas)
end`;

/**
 * `complete(progress, n)`: the smallest of the partitions' last committed batch times in the
 * progress hash, '' while fewer than `n` partitions have one. Shared by the commit's answer and
 * {@link RedisPartitionLeases.completeUpTo}.
 */
const COMPLETE = `local function complete(progress, n)
  if redis.call('HLEN', progress) < tonumber(n) then return '' end
  local m = nil
  for _, v in ipairs(redis.call('HVALS', progress)) do local x = tonumber(v) if m == nil or x < m then m = x end end
  return tostring(m)
end`;

/** KEYS: progress. ARGV: partition count. How far the group completed batches, read only. */
const COMPLETE_UP_TO = `${COMPLETE}
${GUARD}return complete(KEYS[1], ARGV[1])`;

/**
 * The commit (the study's recipe, atomic): KEYS: epoch, commit, desc, progress, then per
 * stream its snapshot hash and its delta list. ARGV: epoch, time, from, until, partition key,
 * partition count, snapshot interval, then per stream the batch's delta ('' when the state did
 * not change). A delta is appended to the stream's list; the list reaching the interval is
 * folded into the snapshot.
 */
const COMMIT = `${FOLD}
${COMPLETE}
${GUARD}local e = redis.call('GET', KEYS[1])
if e ~= ARGV[1] then return {'FENCED', e or '0'} end
local time, from, untl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local c = redis.call('HMGET', KEYS[2], 'next', 'batch', 'from')
if c[2] and tonumber(c[2]) == time and tonumber(c[3]) == from and tonumber(c[1]) == untl then return {'ALREADY', complete(KEYS[4], ARGV[6])} end
if c[1] and tonumber(c[1]) ~= from then return {'OFFSET_MISMATCH', c[1]} end
if c[2] and tonumber(c[2]) >= time then return {'OFFSET_MISMATCH', c[1]} end
local interval = tonumber(ARGV[7])
local a = 8
for k = 5, #KEYS - 1, 2 do
  if ARGV[a] ~= '' and redis.call('RPUSH', KEYS[k + 1], ARGV[a]) >= interval then fold(KEYS[k], KEYS[k + 1]) end
  a = a + 1
end
redis.call('HSET', KEYS[2], 'next', ARGV[4], 'batch', ARGV[2], 'from', ARGV[3], 'epoch', ARGV[1])
for _, f in ipairs(redis.call('HKEYS', KEYS[3])) do if tonumber(f) <= time then redis.call('HDEL', KEYS[3], f) end end
redis.call('HSET', KEYS[4], ARGV[5], ARGV[2])
return {'OK', complete(KEYS[4], ARGV[6])}`;

/** KEYS: the state catalog. ARGV: id, entry JSON, ... The catalog replaced by the given entries, in one step. */
const STORE_CATALOG = `redis.call('DEL', KEYS[1])
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`;

/** KEYS: a stream's snapshot hash and delta list. The two, read in one atomic step. */
const LOAD_STATE = `return {redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1)}`;

/** A state delta as stored in a delta list: `[#set, key, state, ..., removed key, ...]`. */
function encodeDelta(d: StateDelta): string {
  const a: (string | number)[] = [d.set.length];
  for (const [k, v] of d.set) a.push(k, v);
  for (const k of d.removed) a.push(k);
  return JSON.stringify(a);
}

/**
 * Group mode on Redis ({@link PartitionLeases}): the keys of {@link groupKeys}, each step
 * one Lua script run with `EVAL` (atomic on the server, with the server's clock). Recording a
 * batch refuses a stale epoch and a batch time not after the partition's last committed or
 * recorded batch (`STALE`: an instance whose batch clock lags must not write records into an
 * older folder than the one they belong to). The commit refuses a stale epoch (`FENCED`), a gap or an overlap (`OFFSET_MISMATCH`), and answers
 * `ALREADY` to the identical re-commit of a replayed batch; after it, the consumer group's
 * position (`XGROUP SETID`) follows for operators (not part of the atomic step). Each
 * stateful stream's state of a partition is a snapshot hash plus a list of the deltas
 * committed after it: the commit appends the batch's delta and, once the list holds
 * `snapshotInterval` deltas, folds them into the snapshot and drops them, in the same script,
 * so the keys and entries per partition stay bounded by the live state plus one interval of
 * deltas, and restoring reads at most that.
 */
export class RedisPartitionLeases implements PartitionLeases {
  readonly memberId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly #keys: ReturnType<typeof groupKeys>;
  #leaseMs = 10_000;
  #numPartitions = 0;
  readonly #known = new Set<string>();
  /** The group record's incarnation this instance joined ('' before `join`): every later script checks it. */
  #incarnation = '';

  constructor(private readonly client: () => RedisClient, readonly group: string, private readonly location = 'Redis') {
    this.#keys = groupKeys(group);
  }

  private async eval(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.client().sendCommand(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);
  }

  /**
   * A script that starts with {@link GUARD}: the group's record and the incarnation joined go
   * last. @throws GroupStateLostError when the store no longer holds the group this instance joined.
   */
  private async guarded(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await this.eval(script, [...keys, this.#keys.record], [...args, this.#incarnation]);
    } catch (e) {
      const m = /GROUPLOST (.*)$/.exec((e as Error)?.message ?? '');
      if (m !== null) throw new GroupStateLostError(this.group, this.location, m[1]!);
      throw e;
    }
  }

  async join(grid: GroupGrid, leaseMs: number): Promise<GroupGrid> {
    this.#leaseMs = leaseMs;
    this.#numPartitions = grid.partitions.length;
    const r = await this.eval(JOIN, [this.#keys.record, this.#keys.members], [this.memberId, leaseMs, grid.zeroTime, grid.batchMs, JSON.stringify(grid.partitions)]) as string[];
    this.#incarnation = String(r[3]);
    return { zeroTime: Number(r[0]), batchMs: Number(r[1]), partitions: JSON.parse(r[2]!) as string[] };
  }

  async heartbeat(): Promise<string[]> {
    const live = await this.guarded(HEARTBEAT, [this.#keys.members], [this.memberId, this.#leaseMs]) as string[];
    return live.map(String).sort();
  }

  async acquire(tp: TopicPartition): Promise<AcquiredPartition | undefined> {
    const k = this.#keys.partition(tp);
    const r = await this.guarded(ACQUIRE, [k.lease, k.epoch, k.commit, k.desc], [this.memberId, this.#leaseMs]) as unknown[];
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
    return Number(await this.guarded(RENEW, [k.lease, k.epoch], [this.memberId, epoch, this.#leaseMs])) === 1;
  }

  async describe(tp: TopicPartition, epoch: number, batch: PartitionBatch): Promise<DescribeOutcome> {
    const k = this.#keys.partition(tp);
    const r = await this.guarded(DESCRIBE, [k.epoch, k.desc, k.commit], [epoch, batch.time, `${batch.fromOffset}:${batch.untilOffset}`]) as string[];
    const status = String(r[0]);
    if (status === 'FENCED') return { status };
    if (status === 'STALE') return { status, after: Number(r[1]) };
    if (status !== 'RECORDED') throw new Error(`unexpected describe reply ${JSON.stringify(r)}`);
    const [from, until] = String(r[1]).split(':').map(Number) as [number, number];
    return { status, batch: { time: batch.time, fromOffset: from, untilOffset: until } };
  }

  async recordedTimes(tp: TopicPartition): Promise<number[]> {
    const times = await this.client().sendCommand(['HKEYS', this.#keys.partition(tp).desc]) as string[];
    return times.map(Number).filter((t) => Number.isFinite(t));
  }

  async loadState(tp: TopicPartition, stream: string): Promise<(readonly [string, string])[]> {
    const k = this.#keys.partition(tp);
    const r = await this.eval(LOAD_STATE, [k.state(stream), k.deltas(stream)], []) as [string[], string[]];
    const state = new Map<string, string>();
    const snap = r[0] ?? [];
    for (let i = 0; i + 1 < snap.length; i += 2) state.set(snap[i]!, snap[i + 1]!);
    for (const d of r[1] ?? []) {
      const a = JSON.parse(d) as [number, ...string[]];
      let i = 1;
      for (let j = 0; j < a[0]; j++, i += 2) state.set(a[i] as string, a[i + 1] as string);
      for (; i < a.length; i++) state.delete(a[i] as string);
    }
    return [...state];
  }

  async commit(c: PartitionCommit): Promise<CommitOutcome> {
    const k = this.#keys.partition(c);
    const keys = [k.epoch, k.commit, k.desc, this.#keys.progress];
    const args: (string | number)[] = [c.epoch, c.time, c.fromOffset, c.untilOffset, `${c.topic}-${c.partition}`, this.#numPartitions, c.snapshotInterval ?? DEFAULT_STATE_SNAPSHOT_INTERVAL];
    for (const s of c.state) {
      keys.push(k.state(s.stream), k.deltas(s.stream));
      args.push(s.set.length === 0 && s.removed.length === 0 ? '' : encodeDelta(s));
    }
    const r = await this.guarded(COMMIT, keys, args) as string[];
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

  async completeUpTo(): Promise<number | undefined> {
    const r = await this.guarded(COMPLETE_UP_TO, [this.#keys.progress], [this.#numPartitions]);
    return r === '' || r === null || r === undefined ? undefined : Number(r);
  }

  async release(tp: TopicPartition, epoch: number): Promise<void> {
    const k = this.#keys.partition(tp);
    await this.guarded(RELEASE, [k.lease, k.epoch], [this.memberId, epoch]);
  }

  async loadStateCatalog(): Promise<GroupStateStream[]> {
    // In one script's reply: a flat array of fields and values, whatever the client's protocol.
    const h = await this.eval(`return redis.call('HGETALL', KEYS[1])`, [this.#keys.states], []) as string[];
    const out: GroupStateStream[] = [];
    for (let i = 0; i + 1 < h.length; i += 2) {
      const id = String(h[i]);
      let e: Partial<GroupStateStream>;
      try {
        e = JSON.parse(String(h[i + 1])) as Partial<GroupStateStream>;
      } catch {
        throw new Error(`group ${this.group}: the state catalog's entry '${id}' at ${this.location} (${this.#keys.states}) is not JSON; the catalog is damaged.`);
      }
      if (typeof e.structuralKey !== 'string' || typeof e.kind !== 'string' || typeof e.log !== 'string' || typeof e.slideMs !== 'number') {
        throw new Error(`group ${this.group}: the state catalog's entry '${id}' at ${this.location} (${this.#keys.states}) lacks its structural key, kind, slide or log; the catalog is damaged.`);
      }
      out.push({ id, name: typeof e.name === 'string' ? e.name : id, named: e.named === true, structuralKey: e.structuralKey, kind: e.kind, slideMs: e.slideMs, ...(typeof e.windowMs === 'number' ? { windowMs: e.windowMs } : {}), log: e.log });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async storeStateCatalog(entries: readonly GroupStateStream[]): Promise<void> {
    const args: string[] = [];
    for (const e of entries) {
      const { id, ...rest } = e;
      args.push(id, JSON.stringify(rest));
    }
    await this.eval(STORE_CATALOG, [this.#keys.states], args);
  }

  async leave(): Promise<void> {
    await this.client().sendCommand(['HDEL', this.#keys.members, this.memberId]);
  }
}
