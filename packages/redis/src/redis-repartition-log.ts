import type { RepartitionBatch, RepartitionLog } from '@kindling/dstream';
import { decodeValues, encodeValues } from '@kindling/io';
import { RESP_TYPES } from 'redis';
import type { RedisClient } from './redis-connection.ts';

/** Records per data entry (a block larger than this is split over several entries). */
const ENTRY_RECORDS = 4096;
/** Entries per XRANGE call when scanning. */
const SCAN_CHUNK = 1000;
/** Ids per XDEL call when trimming. */
const DELETE_CHUNK = 1000;

/** One `(batch, source)` copy being collected, by writer. */
interface SourceCopy {
  /** Data entries per writer id, in log order. */
  readonly chunks: Map<string, Buffer[]>;
  /**
   * The first end-of-batch marker seen: which writer's copy counts, its record count, and (with
   * leases) the source partition's previous batch time (`null`: none; `undefined`: not given).
   */
  done?: { readonly writer: string; readonly count: number; readonly previous: number | null | undefined };
}

/** What one owner of one partition has scanned of it. */
interface PartitionScan {
  lastId: string;
  /** Batches below this were read: their entries are skipped. */
  floor: number;
  readonly batches: Map<number, Map<number, SourceCopy>>;
  /** The ids of the entries read, per batch time (every copy): what {@link RedisRepartitionLog.trim} deletes. */
  readonly ids: Map<number, string[]>;
  /** Ids of entries of batches already released (late copies of a replayed map side), deleted by the next trim. */
  stale: string[];
  busy: Promise<unknown>;
}

/**
 * A {@link RepartitionLog} on Redis Streams: partition j is the stream `<name>-<j>` (auto
 * ids). The map output of `(t, s)` is one `MULTI`: for every partition, data entries `t s w
 * m=d b=<records>` (records encoded with Kindling's value codec, at most 4096 per entry) and
 * the marker `t s w m=e n=<count>`; `w` is a random id per write, so that a reader keeps the
 * copy of the first marker it sees and drops every other copy of `(t, s)` (a replayed map side,
 * or a write cut short on Redis Cluster, where one `MULTI` cannot span the partitions' slots).
 * A reader scans its partition forward from where it stopped (`XRANGE` after the last id),
 * remembering the ids it read per batch; `trim` deletes them (`XDEL`) once the engine says the
 * batches are done for good.
 */
export class RedisRepartitionLog implements RepartitionLog {
  readonly #scans = new Map<number, PartitionScan>();

  constructor(
    private readonly client: () => RedisClient,
    readonly name: string,
    readonly partitions: number,
    private readonly location: string,
  ) {
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`Repartition log ${name}: needs a positive number of partitions, got ${partitions}.`);
  }

  /** The stream holding partition `j`. */
  key(j: number): string { return `${this.name}-${j}`; }

  async writeMapOutput(batchTime: number, source: number, blocks: readonly (readonly unknown[])[], previous?: number | null): Promise<void> {
    if (blocks.length !== this.partitions) throw new Error(`Repartition log ${this.name}: map output of batch ${batchTime}, source partition ${source} has ${blocks.length} blocks for ${this.partitions} partitions.`);
    const writer = Math.random().toString(36).slice(2, 10);
    const t = String(batchTime);
    const s = String(source);
    const entries: [number, Buffer][] = [];
    for (let j = 0; j < blocks.length; j++) {
      const block = blocks[j]!;
      for (let from = 0; from < block.length; from += ENTRY_RECORDS) {
        let bytes: Uint8Array;
        try {
          bytes = encodeValues(block.slice(from, from + ENTRY_RECORDS));
        } catch (e) {
          // Trying again cannot help: the engine fails the batch at once.
          throw Object.assign(new Error(`the records of batch ${batchTime} from source partition ${source} cannot be stored in ${this.key(j)}: ${(e as Error)?.message ?? String(e)} Move plain data (arrays, objects, numbers, strings) through shuffles; build class instances after them.`, { cause: e }), { retriable: false });
        }
        entries.push([j, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
      }
    }
    const multi = this.client().multi();
    for (const [j, body] of entries) multi.addCommand(['XADD', this.key(j), '*', 't', t, 's', s, 'w', writer, 'm', 'd', 'b', body]);
    const link = previous === undefined ? [] : ['p', previous === null ? '' : String(previous)];
    for (let j = 0; j < blocks.length; j++) multi.addCommand(['XADD', this.key(j), '*', 't', t, 's', s, 'w', writer, 'm', 'e', 'n', String(blocks[j]!.length), ...link]);
    try {
      await multi.exec();
    } catch (e) {
      throw new Error(`Writing batch ${batchTime} of source partition ${source} to repartition log ${this.name} at ${this.location} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  readBatch(partition: number, batchTime: number, sources: number): Promise<RepartitionBatch> {
    const scan = this.scanOf(partition);
    const run = scan.busy.then(() => this.read(scan, partition, batchTime, sources));
    scan.busy = run.catch(() => undefined);
    return run;
  }

  readRange(partition: number, after: number, upTo: number, sources: number): Promise<RepartitionBatch> {
    const scan = this.scanOf(partition);
    const run = scan.busy.then(async () => {
      rewind(scan, after);
      await this.scanForward(scan, partition);
      const missing: number[] = [];
      const picked: [number, number][] = [];
      for (let s = 0; s < sources; s++) {
        const chain = this.chainOf(scan, s, after, upTo);
        if (chain === undefined) missing.push(s);
        else for (const t of chain) picked.push([t, s]);
      }
      if (missing.length > 0) return { complete: false as const, missing };
      picked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const blocks: unknown[][] = [];
      for (const [t, s] of picked) blocks.push(this.recordsOf(scan.batches.get(t)!.get(s)!, partition, t, s));
      return { complete: true as const, blocks };
    });
    scan.busy = run.catch(() => undefined);
    return run;
  }

  firstBatchAfter(partition: number, after: number): Promise<number | undefined> {
    const scan = this.scanOf(partition);
    const run = scan.busy.then(async () => {
      rewind(scan, after);
      await this.scanForward(scan, partition);
      let first: number | undefined;
      for (const [t, copies] of scan.batches) {
        if (t <= after || (first !== undefined && t >= first)) continue;
        for (const c of copies.values()) {
          if (c.done !== undefined) {
            first = t;
            break;
          }
        }
      }
      return first;
    });
    scan.busy = run.catch(() => undefined);
    return run;
  }

  /**
   * Source `s`'s batch times in `(after, upTo]` (ascending), or `undefined` while its chain of
   * markers is not known through `upTo`: no marker at `upTo` or later yet, or a link missing.
   */
  private chainOf(scan: PartitionScan, s: number, after: number, upTo: number): number[] | undefined {
    let top: number | undefined;
    for (const [t, copies] of scan.batches) {
      if (t >= upTo && copies.get(s)?.done !== undefined && (top === undefined || t < top)) top = t;
    }
    if (top === undefined) return undefined;
    const out: number[] = [];
    let cur = top;
    for (;;) {
      if (cur <= upTo) out.push(cur);
      const prev = scan.batches.get(cur)!.get(s)!.done!.previous;
      if (prev === undefined) {
        throw new Error(`Repartition log ${this.name} at ${this.location}: the marker of batch ${cur}, source partition ${s} has no link to the source's previous batch; it was written by an instance with a fixed split (spark.kindling.group.instances) while this one uses leases. Use one mode per application name.`);
      }
      if (prev === null || prev <= after) return out.reverse();
      if (scan.batches.get(prev)?.get(s)?.done === undefined) return undefined;
      cur = prev;
    }
  }

  async release(partition: number, batchTime: number): Promise<void> {
    const scan = this.scanOf(partition);
    if (batchTime + 1 > scan.floor) scan.floor = batchTime + 1;
    for (const t of scan.batches.keys()) if (t < scan.floor) scan.batches.delete(t);
  }

  trim(partition: number, upTo: number): Promise<number> {
    const scan = this.scanOf(partition);
    const run = scan.busy.then(async () => {
      const doomed = scan.stale;
      scan.stale = [];
      for (const [t, ids] of scan.ids) {
        if (t > upTo) continue;
        for (let i = 0; i < ids.length; i++) doomed.push(ids[i]!);
        scan.ids.delete(t);
      }
      const key = this.key(partition);
      let deleted = 0;
      for (let from = 0; from < doomed.length; from += DELETE_CHUNK) {
        try {
          deleted += Number(await this.client().sendCommand(['XDEL', key, ...doomed.slice(from, from + DELETE_CHUNK)]));
        } catch (e) {
          // Kept for the next trim: nothing is lost, the log is only longer for a while.
          for (let i = from; i < doomed.length; i++) scan.stale.push(doomed[i]!);
          throw new Error(`Trimming repartition log ${key} at ${this.location} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
        }
      }
      return deleted;
    });
    scan.busy = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#scans.clear();
  }

  private scanOf(partition: number): PartitionScan {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions) {
      throw new RangeError(`Repartition log ${this.name} has partitions 0 to ${this.partitions - 1}, not ${partition}.`);
    }
    let scan = this.#scans.get(partition);
    if (scan === undefined) {
      scan = { lastId: '0-0', floor: -Infinity, batches: new Map(), ids: new Map(), stale: [], busy: Promise.resolve() };
      this.#scans.set(partition, scan);
    }
    return scan;
  }

  private async read(scan: PartitionScan, partition: number, batchTime: number, sources: number): Promise<RepartitionBatch> {
    await this.scanForward(scan, partition);
    const copies = scan.batches.get(batchTime);
    const missing: number[] = [];
    for (let s = 0; s < sources; s++) if (copies?.get(s)?.done === undefined) missing.push(s);
    if (missing.length > 0) return { complete: false, missing };
    const blocks: unknown[][] = [];
    for (let s = 0; s < sources; s++) blocks.push(this.recordsOf(copies!.get(s)!, partition, batchTime, s));
    return { complete: true, blocks };
  }

  /** The records of the copy a `(batch, source)`'s first marker names, checked against its count. */
  private recordsOf(copy: SourceCopy, partition: number, batchTime: number, s: number): unknown[] {
    const { writer, count } = copy.done!;
    const records: unknown[] = [];
    for (const chunk of copy.chunks.get(writer) ?? []) {
      const values = decodeValues(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      for (let i = 0; i < values.length; i++) records.push(values[i]);
    }
    if (records.length !== count) {
      throw new Error(`Repartition log ${this.name} at ${this.location}: partition ${partition}, batch ${batchTime}, source partition ${s} has ${records.length} records but its end-of-batch marker says ${count}; entries of ${this.key(partition)} were deleted or written by something else. Delete the stream and run the batch again.`);
    }
    return records;
  }

  /** Reads the partition's new entries into the scan's buffers. */
  private async scanForward(scan: PartitionScan, partition: number): Promise<void> {
    const key = this.key(partition);
    const raw = this.client().withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    for (;;) {
      let reply: [Buffer, Buffer[]][];
      try {
        reply = await raw.sendCommand(['XRANGE', key, `(${scan.lastId}`, '+', 'COUNT', String(SCAN_CHUNK)]) as unknown as [Buffer, Buffer[]][];
      } catch (e) {
        throw new Error(`Reading repartition log ${key} at ${this.location} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      for (const [id, fields] of reply) {
        scan.lastId = id.toString();
        this.take(scan, scan.lastId, fields);
      }
      if (reply.length < SCAN_CHUNK) return;
    }
  }

  private take(scan: PartitionScan, id: string, fields: Buffer[]): void {
    let t = NaN;
    let s = NaN;
    let writer = '';
    let kind = '';
    let count = 0;
    let previous: number | null | undefined;
    let body: Buffer | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const f = fields[i]!.toString();
      const v = fields[i + 1]!;
      if (f === 't') t = Number(v.toString());
      else if (f === 's') s = Number(v.toString());
      else if (f === 'w') writer = v.toString();
      else if (f === 'm') kind = v.toString();
      else if (f === 'n') count = Number(v.toString());
      else if (f === 'b') body = v;
      else if (f === 'p') previous = v.length === 0 ? null : Number(v.toString());
    }
    if (!Number.isFinite(t) || !Number.isInteger(s)) return;
    if (t < scan.floor) {
      scan.stale.push(id);
      return;
    }
    let ids = scan.ids.get(t);
    if (ids === undefined) scan.ids.set(t, ids = []);
    ids.push(id);
    let copies = scan.batches.get(t);
    if (copies === undefined) scan.batches.set(t, copies = new Map());
    let copy = copies.get(s);
    if (copy === undefined) copies.set(s, copy = { chunks: new Map() });
    if (copy.done !== undefined) return;
    if (kind === 'd' && body !== undefined) {
      let list = copy.chunks.get(writer);
      if (list === undefined) copy.chunks.set(writer, list = []);
      list.push(body);
    } else if (kind === 'e') {
      copy.done = { writer, count, previous };
      for (const w of [...copy.chunks.keys()]) if (w !== writer) copy.chunks.delete(w);
    }
  }
}

/** A reader taken back after another owner wants batches it had let go of again: it scans the partition from the start. */
function rewind(scan: PartitionScan, after: number): void {
  if (after >= scan.floor - 1) return;
  scan.lastId = '0-0';
  scan.floor = -Infinity;
  scan.batches.clear();
  scan.ids.clear();
}
