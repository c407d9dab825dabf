/**
 * How the instances of a `--group` run under leases (no `--instance`) share one feed and, in
 * `--replay`, one batch clock, through a few keys in the group's Redis:
 *
 * - `kindling:dashboard:{<group>}:feeder`: the instance that feeds the topic (the first to
 *   claim it; the claim expires 15 s after its holder stops renewing it);
 * - `kindling:dashboard:{<group>}:clock`: in `--replay`, the batch time every instance advances
 *   its manual clock to (`done:<t>` once the last batch is committed everywhere), set by the
 *   feeder;
 * - the engine's own group keys (`groupKeys`), read only: the live members, the partitions'
 *   leases, and each partition's last committed batch (`progress`).
 */
import { createClient } from 'redis';
import { groupKeys } from '@kindling/redis';

/** A connection (the default modules, RESP2 replies). */
function connectClient(url: string) {
  return createClient(url.startsWith('unix://') ? { socket: { path: url.slice('unix://'.length), tls: false } } : { url });
}

type Client = ReturnType<typeof connectClient>;

/** One log of the group (the topic, or a repartition log) and its partition count. */
export interface GroupLog {
  readonly log: string;
  readonly partitions: number;
}

/** The clock the feeder publishes: the time to advance to, and whether the run is over. */
export interface PublishedClock {
  readonly time: number;
  readonly done: boolean;
}

const FEEDER_TTL_MS = 15_000;

export class GroupPace {
  readonly #client: Client;
  readonly #group: string;
  #renew: NodeJS.Timeout | undefined;
  #feederId: string | undefined;

  private constructor(client: Client, group: string) {
    this.#client = client;
    this.#group = group;
  }

  /** Connects to the group's Redis (`redis://`, `rediss://` or `unix:///path`). */
  static async connect(url: string, group: string): Promise<GroupPace> {
    const client = connectClient(url);
    client.on('error', () => undefined);
    await client.connect();
    return new GroupPace(client, group);
  }

  private key(name: string): string { return `kindling:dashboard:{${this.#group}}:${name}`; }

  /** Claims the feeder's role for `id`; true when this instance feeds (it then renews the claim until `close`). */
  async claimFeeder(id: string): Promise<boolean> {
    const ok = await this.#client.set(this.key('feeder'), id, { NX: true, PX: FEEDER_TTL_MS });
    if (ok !== 'OK') return false;
    this.#feederId = id;
    await this.#client.del(this.key('clock'));
    this.#renew = setInterval(() => { this.#client.set(this.key('feeder'), id, { XX: true, PX: FEEDER_TTL_MS }).catch(() => undefined); }, FEEDER_TTL_MS / 3);
    this.#renew.unref();
    return true;
  }

  /** Feeder: every instance advances its clock to `time` (`done`: and stops there). */
  async publishClock(time: number, done = false): Promise<void> {
    await this.#client.set(this.key('clock'), done ? `done:${time}` : String(time));
  }

  /** The clock the feeder published, if any. */
  async readClock(): Promise<PublishedClock | undefined> {
    const v = await this.#client.get(this.key('clock'));
    if (v === null) return undefined;
    return v.startsWith('done:') ? { time: Number(v.slice(5)), done: true } : { time: Number(v), done: false };
  }

  /** The live members' ids. */
  async members(): Promise<string[]> {
    const all = await this.#client.hGetAll(groupKeys(this.#group).members);
    const now = Date.now();
    return Object.entries(all).filter(([, until]) => Number(until) > now).map(([m]) => m).sort();
  }

  /**
   * Whether ownership has settled: at least `members` live members, and every partition of every
   * log leased to one of them, each holding its fair share of each log (the engine's rule: the
   * members sorted, the first `N mod m` get one more).
   */
  async settled(logs: readonly GroupLog[], members: number): Promise<boolean> {
    const live = await this.members();
    if (live.length < members) return false;
    for (const { log, partitions } of logs) {
      const counts = new Map<string, number>();
      for (let p = 0; p < partitions; p++) {
        const holder = await this.#client.get(groupKeys(this.#group).partition({ topic: log, partition: p }).lease);
        if (holder === null || !live.includes(holder)) return false;
        counts.set(holder, (counts.get(holder) ?? 0) + 1);
      }
      for (let i = 0; i < live.length; i++) {
        const share = Math.floor(partitions / live.length) + (i < partitions % live.length ? 1 : 0);
        if ((counts.get(live[i]!) ?? 0) !== share) return false;
      }
    }
    return true;
  }

  /** Whether every partition of every log is leased to a live member. */
  async owned(logs: readonly GroupLog[]): Promise<boolean> {
    const live = await this.members();
    for (const row of await this.owners(logs)) for (const holder of row) if (holder === undefined || !live.includes(holder)) return false;
    return true;
  }

  /** Per log, the member holding each partition's lease (undefined: none). */
  async owners(logs: readonly GroupLog[]): Promise<(string | undefined)[][]> {
    const out: (string | undefined)[][] = [];
    for (const { log, partitions } of logs) {
      const row: (string | undefined)[] = [];
      for (let p = 0; p < partitions; p++) row.push(await this.#client.get(groupKeys(this.#group).partition({ topic: log, partition: p }).lease) ?? undefined);
      out.push(row);
    }
    return out;
  }

  /** Whether every partition of `logs` has committed a batch at `time` or later. */
  async committedThrough(logs: readonly GroupLog[], time: number): Promise<boolean> {
    const progress = await this.#client.hGetAll(groupKeys(this.#group).progress);
    for (const { log, partitions } of logs) {
      for (let p = 0; p < partitions; p++) {
        const t = progress[`${log}-${p}`];
        if (t === undefined || Number(t) < time) return false;
      }
    }
    return true;
  }

  /** Stops renewing (and gives up) the feeder's claim, and disconnects. */
  async close(): Promise<void> {
    if (this.#renew !== undefined) clearInterval(this.#renew);
    try {
      if (this.#feederId !== undefined && await this.#client.get(this.key('feeder')) === this.#feederId) await this.#client.del(this.key('feeder'));
    } finally {
      await this.#client.quit().catch(() => undefined);
    }
  }
}
