// Removing a kill suite's temporary folder without holding up its afterAll hook. Its child
// instances write a folder per output and batch time (a re-keyed graph's three scenarios: tens of
// thousands of files), and removing them with a synchronous rmSync took 31 s of the hook's 60 s
// at load 30 (group-rekey-kill, three tests failed early; a run whose tests pass writes about
// twice as many), which vitest counts against the hook even though no timer could fire meanwhile.
import { spawn } from 'node:child_process';

/** Removes `dir` and everything in it in a detached `rm -rf`, which goes on after the suite ends. */
export function removeInBackground(dir: string): void {
  const rm = spawn('rm', ['-rf', '--', dir], { detached: true, stdio: 'ignore' });
  rm.on('error', () => undefined);
  rm.unref();
}
