// Where the recovery test children (recovery-pipeline.ts, packages/redis's
// redis-recovery-pipeline.ts, parallel-wal-pipeline.ts) kill themselves with SIGKILL.
import type { StreamingListener } from '../../src/index.ts';

/** A batch time (ms) and a named moment of that batch. */
export interface KillPoint {
  readonly time: number;
  readonly phase: string;
}

/** SIGKILLs this process when `time`/`phase` is the kill point. */
export function killIfAt(killAt: KillPoint | undefined, time: number, phase: string): void {
  if (killAt !== undefined && killAt.time === time && killAt.phase === phase) process.kill(process.pid, 'SIGKILL');
}

/**
 * Adds the kill points every recovery child has: `generated` (the batch is submitted) and
 * `completed`; prints `completed <ms>` for every completed batch.
 */
export function addKillPoints(ssc: { addStreamingListener(listener: StreamingListener): void }, killAt: KillPoint | undefined): void {
  ssc.addStreamingListener({
    onBatchSubmitted: (e) => killIfAt(killAt, e.batchInfo.batchTime.milliseconds, 'generated'),
    onBatchCompleted: (e) => {
      process.stdout.write(`completed ${e.batchInfo.batchTime.milliseconds}\n`);
      killIfAt(killAt, e.batchInfo.batchTime.milliseconds, 'completed');
    },
  });
}
