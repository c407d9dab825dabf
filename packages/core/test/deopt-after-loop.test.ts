// A function whose loop runs over a whole block, called once a batch, must not be left
// (deoptimized) on every call: V8 optimizes such a loop on stack (OSR) during the function's
// first run, before the code after the loop ever ran, and keeps that code for the later calls,
// which then leave it at the first statement after the loop, every time. Counted from
// `--trace-deopt` in a child process that calls each function 30 times over 20,000 elements.
// (CombineKeyIndex.abandon had the same cause, but a child calling it alone does not show it:
// BENCHMARKS.md, "Deopts per context" (stop 19, deopt), counts it in a windowed WordCount.)
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const fixture = join('packages', 'core', 'test', 'fixtures', 'deopt-after-loop.ts');

/** Deopts per function name, from the child's `--trace-deopt` lines. */
function run(): Promise<{ deopts: Map<string, number>; done: boolean }> {
  // Compiles on the main thread: what V8 compiles, and when, then does not depend on how busy
  // the machine's other cores are (with concurrent compiles the control's deopts come and go).
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--trace-deopt', '--no-concurrent-osr', '--no-concurrent-recompilation'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, fixture], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`${error.message}\n${stderr}`));
      const deopts = new Map<string, number>();
      for (const line of stdout.split('\n')) {
        const m = /\[bailout \(kind: [\w-]+, reason: [^)]*\): begin\. deoptimizing \S+ <JSFunction (\w+)/.exec(line);
        if (m !== null) deopts.set(m[1]!, (deopts.get(m[1]!) ?? 0) + 1);
      }
      // Not anchored at line starts: V8's trace and the program's console.log reach the pipe
      // through different buffers, so a line of one may start inside a line of the other
      // ('... deoptimizing 0x2013 done 600000 1170' was seen under load).
      resolve({ deopts, done: /done \d+ \d+$/m.test(stdout) });
    });
  });
}

describe('functions with a loop over a block, called once a batch', () => {
  it('are not deoptimized on every call', async () => {
    const { deopts, done } = await run();
    expect(done).toBe(true);
    const count = (name: string): number => deopts.get(name) ?? 0;
    // The control, written as the encoder was: left on most of its 30 calls.
    expect(count('finish')).toBeGreaterThan(10);
    // The columns encoder (shuffle-block-codec.ts): at most a few deopts while feedback
    // settles, not one a call (26-32 of its 90 calls before its loops were functions of their own).
    expect(count('encodeColumns') + count('stringNumberColumns') + count('numberNumberColumns')).toBeLessThan(4);
  }, 120_000);
});
