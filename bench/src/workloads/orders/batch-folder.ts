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
 * Kindling's writer (files and folder fsynced, renamed into place, then the parent folder
 * fsynced), so the baselines do the same work.
 */
export function writeBatchFolder(outDir: string, timeMs: number, lines: readonly string[]): void {
  const name = `output-${timeMs}.txt`;
  const tmp = join(outDir, `.${name}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeDurably(join(tmp, 'part-00000'), lines.length > 0 ? lines.join('\n') + '\n' : '');
  writeDurably(join(tmp, '_SUCCESS'), '');
  fsyncFolder(tmp);
  renameSync(tmp, join(outDir, name));
  // The rename is durable only once the parent folder's entry is: fsync it, as Kindling's
  // writer does after renaming a batch folder into place.
  fsyncFolder(outDir);
}

function fsyncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
