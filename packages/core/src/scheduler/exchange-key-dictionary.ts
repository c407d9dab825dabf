import type { KeySlots } from '../rdd/combine-key-index.ts';
import { unpinned } from '../util/unpinned-string.ts';

/**
 * A dictionary-coded exchange of string keys between two worker threads: the sender names a
 * key its peer already received by its slot in the sender's key index (a map side combining
 * through a {@link KeySlots}-bearing index, kept from batch to batch), and sends only keys the
 * peer has not seen as strings. A stream's next batch has mostly the same keys, so most keys
 * cross as one integer instead of being packed (`join`), copied, sliced apart on arrival and
 * hashed afresh by the reduce side's merge: the receiver hands out the same string objects
 * batch after batch, whose hashes V8 keeps.
 *
 * Both halves live as long as their worker's executor (one context's ports): a new context
 * starts both empty. The sender's record of what a peer knows ({@link SentKeySlots}) and the
 * peer's tables ({@link ReceivedKeyTables}) stay in step because messages between two threads
 * arrive in the order they were posted, and the receiver reads every block's new keys when
 * the message arrives, whether or not a stage ever takes the block. A slot names one key for
 * the life of its index's generation, so a key sent twice (after {@link SentKeySlots.forgetPeer})
 * only writes the same entry again; a rebuilt index (a new generation) starts a new table.
 * @internal
 */
export interface KeyDictionaryBlock {
  readonly kind: 'string-number-slots';
  /** The sender's key index ({@link KeySlots.index}'s `id`) and its generation. */
  readonly index: number;
  readonly generation: number;
  /** Key i's slot in the sender's index. */
  readonly slots: Int32Array;
  /** The slots of the keys the peer had not received, with those keys packed in `newKeys` (end offsets in `newEnds`). */
  readonly newSlots: Int32Array;
  readonly newKeys: string;
  readonly newEnds: Uint32Array;
  readonly values: Float64Array;
}

/** What one sender records of one peer's table for one key index. */
interface PeerTable {
  generation: number;
  /** 1 where the peer holds the slot's key. */
  known: Uint8Array;
}

/**
 * The sending half (see {@link KeyDictionaryBlock}): per peer and key index, which slots' keys
 * the peer already received.
 * @internal
 */
export class SentKeySlots {
  private readonly peers = new Map<number, Map<number, PeerTable>>();
  /** Keys encoded so far by slot alone, and as strings (the peer had not received them). */
  readonly counts = { bySlot: 0, asStrings: 0 };

  /**
   * Encodes columns of string keys and number values for `peer` by their slots (`slots`, valid
   * for the whole block: one per key, of a generation the index still has), marking the keys
   * sent as strings as known to `peer`; `undefined` (nothing marked) when a key is not a string
   * or a value not a number. Pushes the buffers to transfer onto `transfer`. The block must be
   * posted to `peer` before anything else encoded for it, or the peer forgotten.
   */
  encode(peer: number, keys: readonly unknown[], values: readonly unknown[], slots: KeySlots, transfer: ArrayBuffer[]): KeyDictionaryBlock | undefined {
    const n = keys.length;
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof keys[i] !== 'string' || typeof v !== 'number') return undefined;
      vs[i] = v;
    }
    const table = this.tableOf(peer, slots.index.id, slots.generation);
    const from = slots.slots;
    let known = table.known;
    const codes = new Int32Array(n);
    let fresh = 0;
    for (let i = 0; i < n; i++) {
      const s = from[i]!;
      codes[i] = s;
      if (s >= known.length || known[s] === 0) fresh++;
    }
    const newSlots = new Int32Array(fresh);
    const newEnds = new Uint32Array(fresh);
    const parts = new Array<string>(fresh);
    let f = 0;
    let length = 0;
    for (let i = 0; i < n && f < fresh; i++) {
      const s = codes[i]!;
      if (s < known.length && known[s] === 1) continue;
      if (s >= known.length) {
        const grown = new Uint8Array(Math.max(s + 1, known.length * 2, 1024));
        grown.set(known);
        table.known = known = grown;
      }
      known[s] = 1;
      const k = keys[i] as string;
      newSlots[f] = s;
      parts[f] = k;
      length += k.length;
      newEnds[f++] = length;
    }
    this.counts.bySlot += n - fresh;
    this.counts.asStrings += fresh;
    transfer.push(codes.buffer, newSlots.buffer, newEnds.buffer, vs.buffer);
    return { kind: 'string-number-slots', index: slots.index.id, generation: slots.generation, slots: codes, newSlots, newKeys: parts.join(''), newEnds, values: vs };
  }

  /** Forgets what `peer` knows (blocks encoded for it were not sent): its keys go as strings again. */
  forgetPeer(peer: number): void {
    this.peers.delete(peer);
  }

  private tableOf(peer: number, index: number, generation: number): PeerTable {
    let byIndex = this.peers.get(peer);
    if (byIndex === undefined) this.peers.set(peer, (byIndex = new Map()));
    let t = byIndex.get(index);
    if (t === undefined || t.generation !== generation) byIndex.set(index, (t = { generation, known: new Uint8Array(0) }));
    return t;
  }
}

/**
 * The receiving half (see {@link KeyDictionaryBlock}): per sender and key index, the key of
 * each slot received so far.
 * @internal
 */
export class ReceivedKeyTables {
  private readonly senders = new Map<number, Map<number, { generation: number; keys: (string | undefined)[] }>>();

  /**
   * The keys of a block from `sender`, after taking in the keys it sends as strings (call once
   * per block, in arrival order). Throws when the block names a slot never received: the
   * halves are out of step, which is a scheduler error.
   */
  resolve(sender: number, block: KeyDictionaryBlock): string[] {
    let byIndex = this.senders.get(sender);
    if (byIndex === undefined) this.senders.set(sender, (byIndex = new Map()));
    let t = byIndex.get(block.index);
    if (t === undefined || t.generation !== block.generation) byIndex.set(block.index, (t = { generation: block.generation, keys: [] }));
    const table = t.keys;
    const { newSlots, newKeys, newEnds, slots } = block;
    let start = 0;
    for (let f = 0; f < newSlots.length; f++) {
      const end = newEnds[f]!;
      const s = newSlots[f]!;
      while (table.length < s) table.push(undefined);
      table[s] = unpinned(newKeys.slice(start, end));
      start = end;
    }
    const n = slots.length;
    const keys = n < 65_536 ? new Array<string>(n) : [];
    for (let i = 0; i < n; i++) {
      const k = table[slots[i]!];
      if (k === undefined) throw new Error(`A shuffle block from worker ${sender} names key slot ${slots[i]} of index ${block.index}, never received (internal exchange error)`);
      keys[i] = k;
    }
    return keys;
  }
}

