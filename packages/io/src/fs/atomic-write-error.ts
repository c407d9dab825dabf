/**
 * An atomic write ({@link atomicWriteFile}, {@link writeFolderAtomically}) failed. The target
 * was left as it was (or, for a folder replaced at the instant of failure, absent with the old
 * version kept in a hidden sibling that the next write of the same folder removes). `cause`
 * is the file-system error.
 */
export class AtomicWriteError extends Error {
  override readonly name = 'AtomicWriteError';
  constructor(
    /** The file or folder that was being written. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
