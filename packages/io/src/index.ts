export { listInputFilesSync, listDirectoryInputFilesSync, InputPathNotFoundError } from './fs/list-input-files.ts';
export { isHiddenName } from './fs/hidden-name.ts';
export { readTextLinesSync } from './fs/read-text-lines.ts';
export { readTextLineRangeSync } from './fs/read-text-line-range.ts';
export { splitLines } from './fs/split-lines.ts';
export { LineDecoder, type LineDecoderOptions } from './fs/line-decoder.ts';
export { SocketDecodeError } from './net/socket-decode-error.ts';
export { encodeRawBlock, RawBlockDecoder, RAW_BLOCK_HEADER_BYTES } from './net/raw-block-framing.ts';
export { writeFolderAtomically, type WriteFolderOptions } from './fs/write-folder-atomically.ts';
export { stageFolder, stagedPartName, writeStagedFile, commitStagedFolder, abandonStagedFolder } from './fs/staged-folder.ts';
export { atomicWriteFile, atomicWriteFileSync } from './fs/atomic-write-file.ts';
export { syncWrittenFile } from './fs/sync-written-file.ts';
export { writeFolderInPlace } from './fs/write-folder-in-place.ts';
export { syncWrittenFolder } from './fs/sync-written-folder.ts';
export { removeStaleTempSiblings } from './fs/remove-stale-temp-siblings.ts';
export { moveAside } from './fs/move-aside.ts';
export { encodeValues, decodeValues, VALUE_CODEC_VERSION, MAX_DEPTH } from './codec/value-codec.ts';
export { CodecError } from './codec/codec-error.ts';
export { readBinaryRecordsSync, BinaryRecordLengthError } from './fs/read-binary-records.ts';
export { FileLedger, type FileLedgerSnapshot, type LedgerEntry, type LedgerSnapshotEntry } from './fs/file-ledger.ts';
export { fileIdentity, type IdentityStats } from './fs/file-identity.ts';
export {
  DirectoryScanner,
  ScanFilterError,
  type DirectoryScannerOptions,
  type FoundFile,
  type ScanProblem,
  type ScanResult,
} from './fs/directory-scanner.ts';
export {
  socketDecoded,
  socketLines,
  socketStream,
  oversizedLineReason,
  SocketConverterError,
  type ChunkDecoder,
  type ChunkDecoderContext,
  type SocketLinesOptions,
  type ReconnectOptions,
  type SocketEvent,
  type SocketSourceOptions,
} from './net/socket-source.ts';
export {
  WriteAheadLog,
  WAL_FORMAT_VERSION,
  type WalProblem,
  type WalRecord,
  type WalRecordHandle,
  type WriteAheadLogOptions,
} from './wal/write-ahead-log.ts';
export { AtomicWriteError } from './fs/atomic-write-error.ts';
export { LedgerSnapshotError } from './fs/ledger-snapshot-error.ts';
export { WriteAheadLogError } from './wal/write-ahead-log-error.ts';
