import { renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hiddenSiblingName } from './temp-name.ts';

/**
 * Renames `path` (a file or a folder with its contents) to a hidden sibling
 * (`.<name>.old-<pid>-<hex>`) at once, as the first step of deleting it: one rename takes it
 * out of its folder's listing, where deleting a folder's contents takes a call per entry.
 * Returns the new path, to delete at leisure; `undefined` when `path` does not exist. A
 * process killed before the deletion leaves the hidden sibling, which
 * {@link removeStaleTempSiblings} removes on the next start.
 */
export function moveAside(path: string): string | undefined {
  const aside = join(dirname(path), hiddenSiblingName(basename(path), 'old'));
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return aside;
}
