import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** One way a fixture built its objects: how many, and how far the old space grew meanwhile. */
export interface OldSpaceWay { way: string; count: number; oldSpaceBytes: number }

/**
 * Runs a fixture (a path from the repository's root) that prints one JSON line per way it
 * builds objects (`{ way, count, oldSpaceBytes }`), in a child process with gc() exposed (to
 * place the scavenges) and a young generation at its largest from the start (4 MB semi-spaces),
 * so that V8 makes its pretenuring decision at the first samples, as it does once the young
 * generation has grown in a long run.
 */
export function runOldSpaceFixture(fixture: string): Promise<OldSpaceWay[]> {
  const flags = ['--conditions=kindling-source', '--import', 'tsx', '--expose-gc', '--min-semi-space-size=4', '--max-semi-space-size=4'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, fixture], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as OldSpaceWay));
    });
  });
}
