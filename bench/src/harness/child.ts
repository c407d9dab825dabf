/**
 * One system on one workload, in its own process (a clean heap, its own JIT profile): builds
 * the input, runs once to verify (timed: the cold run). In `verify` mode it then writes its
 * {@link ChildResult} and ends. In `measure` mode it warms up (until the default rule of
 * `warm-up.ts` says warm, or `--warmups N`), tells the suite it is ready over the IPC channel
 * and waits: each `run` command is one timed run, answered with its wall and CPU time; `finish`
 * measures peak heap, writes the result and ends. Between commands the process is idle, so the
 * suite can time other systems' runs in between (`schedule.ts`).
 * Usage (the suite does this, with an IPC channel): `node --conditions=kindling-source --import tsx bench/src/harness/child.ts '<request json>'`.
 */
import { writeFileSync } from 'node:fs';
import type { ChildMessage, ChildRequest, ChildResult, ParentCommand } from './child-protocol.ts';
import { errorText } from './error-text.ts';
import { SystemRunner } from './system-runner.ts';

const request = JSON.parse(process.argv[2]!) as ChildRequest;
const runner = new SystemRunner(request);

function end(result: ChildResult): never {
  writeFileSync(request.resultFile, JSON.stringify(result));
  // Engines may leave timers or sockets behind; the result is written, so end here.
  process.exit(0);
}

function harnessError(e: unknown): never {
  end({ ...runner.result, error: `harness error: ${errorText(e)}` });
}

const send = (message: ChildMessage): void => {
  process.send!(message);
};

try {
  await runner.verify();
  if (request.mode === 'verify' || runner.result.error !== undefined) end(runner.result);
  await runner.warmUp();
  if (runner.result.error !== undefined) end(runner.result);
} catch (e) {
  harnessError(e);
}
// The suite is gone (it was killed, or timed us out): nobody will read a result.
process.on('disconnect', () => process.exit(1));
// Commands are handled one at a time, in order: a run never overlaps another, nor the finish.
let queue = Promise.resolve();
process.on('message', (command: ParentCommand) => {
  queue = queue.then(async () => {
    if (command.kind === 'run') {
      const ran = await runner.timedRun();
      send(ran ? { kind: 'ran', ...ran } : { kind: 'ran', wallMs: Number.NaN, cpuMs: Number.NaN, error: runner.result.error ?? 'failed' });
    } else {
      await runner.finish();
      end(runner.result);
    }
  }).catch(harnessError);
});
send({ kind: 'ready' });
