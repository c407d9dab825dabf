/** {@link FileLedger.fromJSON} was given something that is not a ledger snapshot it can read. */
export class LedgerSnapshotError extends Error {
  override readonly name = 'LedgerSnapshotError';
}
