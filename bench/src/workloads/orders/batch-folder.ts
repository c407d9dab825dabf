import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `lines` as the batch folder `<outDir>/output-<timeMs>.txt` laid out as
 * `saveAsTextFiles` lays it out (`part-00000`, then `_SUCCESS`), with the same guarantees as
 * Kindling's writer (files and folder fsynced, renamed into place), so the baselines do the same
 * work.
 */
export function writeBatchFolder(outDir: string, timeMs: number, lines: readonly string[]): void {
  const name = `output-${timeMs}.txt`;
  const tmp = join(outDir, `.${name}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeDurably(join(tmp, 'part-00000'), lines.length > 0 ? lines.join('\n') + '\n' : '');
  writeDurably(join(tmp, '_SUCCESS'), '');
  const dirFd = openSync(tmp, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  renameSync(tmp, join(outDir, name));
}
