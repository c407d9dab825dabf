import { WorkerLostError } from './worker-errors.ts';
import type { WorkerReply } from './worker-protocol.ts';

/** Something that can post a message to one worker thread (a `Worker`). @internal */
export interface WorkerPort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

interface Pending { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; worker: number }

/**
 * Request/reply over the driver's ports to its worker threads: each request gets an id, the
 * worker's `reply` with that id settles it. When a worker is lost, every request waiting on it
 * (and every later one) fails with a {@link WorkerLostError}.
 * @internal
 */
export class WorkerRpc {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private lost: WorkerLostError | undefined;
  /** Per worker, the messages {@link postWithNext} holds for the next message to it. */
  private readonly held: unknown[][];
  private flushQueued = false;

  constructor(readonly ports: readonly WorkerPort[]) {
    this.held = ports.map(() => []);
  }

  /** Number of workers. */
  get size(): number { return this.ports.length; }

  /** Sends `message` (given an `id`) to `worker`; resolves with its reply. */
  request(worker: number, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.lost !== undefined) return Promise.reject(this.lost);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      try {
        this.ports[worker]!.postMessage(this.withHeld(worker, { ...message, id }), transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(e as Error);
      }
    });
  }

  /** Sends a message that has no reply. */
  post(worker: number, message: Record<string, unknown>): void {
    if (this.lost === undefined) this.ports[worker]!.postMessage(this.withHeld(worker, message));
  }

  /**
   * Sends a message that has no reply and no hurry (a batch's cleanup): it goes out with the
   * next message to `worker`, in its `before` list, which the worker handles first, in order;
   * if nothing else is sent to `worker` in this turn of the event loop, it goes out on its own
   * right after it. So a worker that is told to clean up and is then given its next work wakes
   * once for both, not twice.
   */
  postWithNext(worker: number, message: Record<string, unknown>): void {
    if (this.lost !== undefined) return;
    this.held[worker]!.push(message);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => this.flushHeld());
  }

  /** `message` with the messages held for `worker` as its `before` list (taken). */
  private withHeld(worker: number, message: Record<string, unknown>): Record<string, unknown> {
    const held = this.held[worker]!;
    if (held.length === 0) return message;
    this.held[worker] = [];
    return { ...message, before: held };
  }

  /** Sends every message still held: the last one carries the earlier ones. */
  private flushHeld(): void {
    this.flushQueued = false;
    for (let w = 0; w < this.held.length; w++) {
      const held = this.held[w]!;
      if (held.length === 0) continue;
      this.held[w] = [];
      if (this.lost !== undefined) continue;
      const last = held.pop() as Record<string, unknown>;
      this.ports[w]!.postMessage(held.length === 0 ? last : { ...last, before: held });
    }
  }

  /** Handles a message from a worker; false when it is not a reply. */
  onMessage(message: unknown): boolean {
    const m = message as Partial<WorkerReply> | undefined;
    if (m?.type !== 'reply' || typeof m.id !== 'number') return false;
    const p = this.pending.get(m.id);
    if (p !== undefined) {
      this.pending.delete(m.id);
      p.resolve(m as WorkerReply);
    }
    return true;
  }

  /** Marks `worker` lost: fails everything waiting and every later request. */
  workerLost(worker: number, reason: string): void {
    this.lost ??= new WorkerLostError(worker, reason);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.lost);
    }
  }

  /** The loss that stopped this pool, if any. */
  get lostError(): WorkerLostError | undefined { return this.lost; }
}
