import { randomBytes } from 'node:crypto';

/**
 * A hidden sibling name for `base` (starts with `.`, so input listings and directory streams
 * ignore it): `.<base>.<kind>-<pid>-<8 hex digits>`.
 *
 * @internal
 */
export function hiddenSiblingName(base: string, kind: 'tmp' | 'old'): string {
  return `.${base}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Whether `name` is a hidden sibling of `base` made by {@link hiddenSiblingName}. @internal */
export function isHiddenSiblingOf(name: string, base: string): boolean {
  const prefix = `.${base}.`;
  if (!name.startsWith(prefix)) return false;
  return /^(?:tmp|old)-\d+-[0-9a-f]{8}$/.test(name.slice(prefix.length));
}

const ANY_SIBLING = /^\..+\.(?:tmp|old)-(\d+)-[0-9a-f]{8}$/;

/** The pid that made a hidden sibling name, or undefined when `name` is not one. @internal */
export function hiddenSiblingPid(name: string): number | undefined {
  const m = ANY_SIBLING.exec(name);
  return m === null ? undefined : Number(m[1]);
}
