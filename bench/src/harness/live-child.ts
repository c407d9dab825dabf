import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildRequest, ChildResult, ParentCommand } from './child-protocol.ts';
import type { MeasuredSystem } from './schedule.ts';
import { ROOT, childFlags, nameProfiles } from './spawn-child.ts';
import type { YoungGeneration } from './young-generation.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * The suite's side of one system's child process (`child.ts`), alive from its start to its
 * result: started and warmed up by {@link warm}, one timed run per {@link timedRun}, ended by
 * {@link finish}. Each wait (the warm-up, one run, the finish) is bounded by `timeoutMs`, past
 * which the child (only it) is killed and its result says so. Once it ended, {@link result}
 * holds what it wrote, or a result whose `error` says why there is none.
 */
export class LiveChild implements MeasuredSystem {
  result: ChildResult | undefined;
  /** Wall and CPU time of its last timed run (ms), for the suite's log. */
  lastRun: { wallMs: number; cpuMs: number } | undefined;
  private child: ChildProcess | undefined;
  private readonly inbox: ChildMessage[] = [];
  private wake: (() => void) | undefined;
  private output = '';
  private timedOut = false;

  constructor(
    readonly request: ChildRequest,
    private readonly timeoutMs: number,
    private readonly profileDir?: string,
    private readonly profileName?: string,
    private readonly youngGeneration: YoungGeneration = 'pinned',
  ) {}

  /** Runs a `verify` request to its end: its result (digest, cold run). */
  async verify(): Promise<ChildResult> {
    this.start();
    while (this.result === undefined) await this.next();
    return this.result;
  }

  async warm(): Promise<boolean> {
    this.start();
    return (await this.next())?.kind === 'ready';
  }

  async timedRun(): Promise<boolean> {
    if (!this.send({ kind: 'run' })) return false;
    const message = await this.next();
    if (message?.kind !== 'ran' || message.error !== undefined) return false;
    this.lastRun = { wallMs: message.wallMs, cpuMs: message.cpuMs };
    return true;
  }

  async finish(): Promise<void> {
    this.send({ kind: 'finish' });
    while (this.result === undefined) await this.next();
  }

  private start(): void {
    const { request } = this;
    const child = spawn(process.execPath, [...childFlags(this.profileDir, this.youngGeneration), CHILD, JSON.stringify(request)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child = child;
    const keep = (chunk: Buffer): void => { this.output = (this.output + chunk.toString()).slice(-8000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (message: ChildMessage) => {
      this.inbox.push(message);
      this.wake?.();
    });
    child.on('close', (code, signal) => {
      if (this.profileDir && this.profileName) nameProfiles(this.profileDir, child.pid, this.profileName);
      this.result = existsSync(request.resultFile)
        ? (JSON.parse(readFileSync(request.resultFile, 'utf8')) as ChildResult)
        : {
            workload: request.workload, system: request.system, scope: request.scope,
            error: `${this.timedOut ? `timed out after ${Math.round(this.timeoutMs / 1000)} s` : `exited with ${signal ?? `code ${code}`}`}; last output:\n${this.output.trim()}`,
            records: 0, batches: 0, digest: '', runsMs: [], medianMs: Number.NaN, recordsPerSec: Number.NaN, peakHeapBytes: 0,
          };
      this.child = undefined;
      this.wake?.();
    });
  }

  private send(command: ParentCommand): boolean {
    if (this.child === undefined || !this.child.connected) return false;
    this.child.send(command);
    return true;
  }

  /** The child's next message, or undefined once it ended (or was killed for taking longer than `timeoutMs`). */
  private async next(): Promise<ChildMessage | undefined> {
    if (this.inbox.length === 0 && this.result === undefined) {
      const child = this.child;
      const timer = setTimeout(() => { this.timedOut = true; child?.kill('SIGKILL'); }, this.timeoutMs);
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = undefined;
      clearTimeout(timer);
    }
    return this.inbox.shift();
  }
}
