/** What {@link fileIdentity} needs of a `fs.Stats`. */
export interface IdentityStats {
  readonly dev: number;
  readonly ino: number;
  readonly birthtimeMs: number;
}

/**
 * A file's identity, independent of its name: what tells a file stream that the file now
 * under an old name is another file (renamed over it, or deleted and re-created), or that a
 * new name is a file it already took (renamed inside the directory, a hard link).
 *
 * - With a birth time (ext4, xfs, btrfs, tmpfs, APFS, NTFS): `<ino>@<birthtimeMs>`. The birth
 *   time tells apart a file re-created with the inode number of a deleted one (ext4 reuses
 *   it at once). The device number is left out on purpose: it can change when a file system
 *   is mounted again (containers, network mounts), which would make every file look new
 *   after a restart.
 * - Without (`birthtimeMs` 0): `<dev>:<ino>`. A file deleted and re-created with the same
 *   inode number then keeps its identity (it is reported as changed, not read).
 * - Without inode numbers (`ino` 0): `''`, unknown; the path alone identifies the file.
 */
export function fileIdentity(st: IdentityStats): string {
  if (st.ino === 0) return '';
  return st.birthtimeMs > 0 ? `${st.ino}@${st.birthtimeMs}` : `${st.dev}:${st.ino}`;
}
