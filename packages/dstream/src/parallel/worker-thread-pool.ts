import { Worker } from 'node:worker_threads';
import { getLogger } from '@kindling/core';
import { WORKER_BOOTSTRAP } from './worker-bootstrap.ts';

const log = getLogger('StreamingContext');

/** How a graph worker thread is started: the same for every thread a pool may hand out for it. @internal */
export interface ThreadSpec {
  /** The worker entry module (`graph-worker.ts` or `.js`). */
  readonly entry: string;
  /** tsx's `register()` module when TypeScript is imported, else undefined. */
  readonly tsLoader: string | undefined;
  readonly execArgv: readonly string[];
}

/** What the context holding a pooled thread hears of it. @internal */
export interface ThreadHolder {
  /** A message the thread posted on its own port (the bootstrap's `buildFailed`). */
  onMessage(message: unknown): void;
  /** The thread raised an uncaught error (it ends; `onExit` follows). */
  onError(error: Error): void;
  /** The thread ended. */
  onExit(code: number): void;
}

/** One worker thread of the process-wide pool. @internal */
export class PooledThread {
  /** The context holding it, if any. */
  holder: ThreadHolder | undefined;
  /** False once the thread ended (it is never handed out again). */
  alive = true;
  /** How many contexts it served (the current one included). */
  contexts = 0;
  idleTimer: NodeJS.Timeout | undefined;

  constructor(readonly worker: Worker, readonly key: string) {}

  /** The thread's id (`worker.threadId`): the same across the contexts it serves. */
  get threadId(): number { return this.worker.threadId; }
}

/**
 * The process's graph worker threads, kept warm across contexts. Spark's `local[N]` runs tasks on
 * threads of the driver's JVM, so a new `SparkContext` starts with the JIT's compiled code; a
 * worker thread is its own V8 isolate, and a fresh one compiles Kindling and the graph module
 * again and runs its first batches cold. So a context under `local[N]` takes idle threads from
 * this pool (starting only what is missing) and gives them back when its `SparkContext` stops:
 * each thread then drops everything of that context (its graph, RDDs, state, caches, ports) and
 * waits for the next one, which builds its graph anew. An idle thread does not keep the process
 * alive (`unref`), and ends after the idle timeout its last context set
 * (`spark.kindling.workers.idleTimeout`, 60 s by default; 0: at once, so nothing is reused). A
 * thread that died, or whose context could not release it, is never handed out again.
 * @internal
 */
export class WorkerThreadPool {
  /** The pool every context of this process uses. */
  static readonly shared = new WorkerThreadPool();

  private readonly idle = new Map<string, PooledThread[]>();
  /** Threads started by this pool so far. */
  started = 0;

  /**
   * `n` threads started as `spec` says: idle ones first (oldest first), new ones for the rest.
   * `holderFor(rank)` is told of each thread's own messages, errors and exit while it is held.
   */
  acquire(n: number, spec: ThreadSpec, holderFor: (rank: number) => ThreadHolder): PooledThread[] {
    const key = keyOf(spec);
    const idle = this.idle.get(key) ?? [];
    const out: PooledThread[] = [];
    for (let rank = 0; rank < n; rank++) {
      let t = idle.shift();
      while (t !== undefined && !t.alive) t = idle.shift();
      if (t === undefined) t = this.start(spec, key);
      if (t.idleTimer !== undefined) clearTimeout(t.idleTimer);
      t.idleTimer = undefined;
      t.holder = holderFor(rank);
      t.contexts++;
      t.worker.ref();
      out.push(t);
    }
    return out;
  }

  /**
   * Gives threads back once their context told them to drop it (the release message was posted
   * on their own port, so it comes before any later context's message): they wait, unref'ed,
   * for another context, and end after `idleTimeoutMs` without one.
   */
  release(threads: readonly PooledThread[], idleTimeoutMs: number): void {
    for (const t of threads) {
      t.holder = undefined;
      if (!t.alive) continue;
      if (idleTimeoutMs <= 0) {
        this.discard(t);
        continue;
      }
      t.worker.unref();
      t.idleTimer = setTimeout(() => this.discard(t), idleTimeoutMs);
      t.idleTimer.unref();
      let list = this.idle.get(t.key);
      if (list === undefined) this.idle.set(t.key, (list = []));
      list.push(t);
    }
  }

  /** Ends a thread for good. */
  discard(t: PooledThread): void {
    t.holder = undefined;
    if (t.idleTimer !== undefined) clearTimeout(t.idleTimer);
    t.idleTimer = undefined;
    this.forget(t);
    if (!t.alive) return;
    t.alive = false;
    void t.worker.terminate();
  }

  /** Idle threads, alive, waiting for a context. */
  get idleCount(): number {
    let n = 0;
    for (const list of this.idle.values()) for (const t of list) if (t.alive) n++;
    return n;
  }

  /** Ends every idle thread now. */
  clear(): void {
    for (const list of [...this.idle.values()]) for (const t of [...list]) this.discard(t);
  }

  private start(spec: ThreadSpec, key: string): PooledThread {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, execArgv: [...spec.execArgv], workerData: { kindlingBoot: { entry: spec.entry, tsLoader: spec.tsLoader } } });
    const t = new PooledThread(worker, key);
    this.started++;
    worker.on('message', (m: unknown) => t.holder?.onMessage(m));
    worker.on('error', (e: Error) => {
      if (t.holder === undefined) log.warn(`An idle worker thread failed (${e.name}: ${e.message}); the next context under local[N] starts a new one`);
      t.holder?.onError(e);
    });
    worker.on('exit', (code) => {
      t.alive = false;
      this.forget(t);
      t.holder?.onExit(code);
    });
    return t;
  }

  private forget(t: PooledThread): void {
    const list = this.idle.get(t.key);
    if (list === undefined) return;
    const i = list.indexOf(t);
    if (i >= 0) list.splice(i, 1);
  }
}

function keyOf(spec: ThreadSpec): string {
  return JSON.stringify([spec.entry, spec.tsLoader ?? '', spec.execArgv]);
}
