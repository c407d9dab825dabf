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

  constructor(readonly ports: readonly WorkerPort[]) {}

  /** Number of workers. */
  get size(): number { return this.ports.length; }

  /** Sends `message` (given an `id`) to `worker`; resolves with its reply. */
  request(worker: number, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.lost !== undefined) return Promise.reject(this.lost);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      try {
        this.ports[worker]!.postMessage({ ...message, id }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(e as Error);
      }
    });
  }

  /** Sends a message that has no reply. */
  post(worker: number, message: unknown): void {
    if (this.lost === undefined) this.ports[worker]!.postMessage(message);
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
