// The public API contract: every name the API contract's package table lists is exported by
// its package (imported here through the package's own `exports` map, as users import it), and
// every export of every entry point carries a TSDoc summary (typedoc publishes them all).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as io from '@kindling/io';
import * as core from '@kindling/core';
import * as dstream from '@kindling/dstream';
import * as testing from '@kindling/dstream/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/child-process.ts';
import { listPublicExports, publicEntryPoints, type PublicExport } from './support/public-exports.ts';

/** The package table of the API contract (shared/API.md), names that exist at run time. */
const contractValues: Record<string, { module: Record<string, unknown>; names: string[] }> = {
  '@kindling/core': {
    module: core,
    names: ['SparkConf', 'SparkContext', 'RDD', 'Partitioner', 'HashPartitioner', 'StorageLevel', 'Broadcast', 'LongAccumulator',
      'ManualClock', 'SystemClock', 'Duration', 'Milliseconds', 'Seconds', 'Minutes', 'Time', 'formatElement'],
  },
  '@kindling/dstream': {
    module: dstream,
    names: ['StreamingContext', 'DStream', 'InputDStream', 'MapWithStateDStream', 'StateSpec', 'State', 'Receiver',
      // the listener events' payload classes
      'BatchInfo', 'OutputOperationInfo',
      // re-exported from core
      'Duration', 'Milliseconds', 'Seconds', 'Minutes', 'Time', 'ManualClock'],
  },
  '@kindling/dstream/testing': {
    module: testing,
    // "the public test kit (run input batches through a pipeline on a manual clock)"
    names: ['runStreamingTest', 'runStreamingTest2', 'TestInputDStream'],
  },
  '@kindling/io': {
    module: io,
    // "directory scanning with a file ledger, line decoding, socket and log clients as RxJS
    // Observables, atomic folder writers, value codecs, the write-ahead log"
    names: ['DirectoryScanner', 'FileLedger', 'LineDecoder', 'socketLines', 'socketStream', 'writeFolderAtomically',
      'atomicWriteFile', 'encodeValues', 'decodeValues', 'WriteAheadLog'],
  },
};

/** Contract names that are types only ("StreamingListener and its event types"). */
const contractTypes: Record<string, string[]> = {
  '@kindling/dstream': ['StreamingListener', 'StreamingListenerStreamingStarted', 'StreamingListenerBatchSubmitted',
    'StreamingListenerBatchStarted', 'StreamingListenerBatchCompleted', 'StreamingListenerOutputOperationStarted',
    'StreamingListenerOutputOperationCompleted', 'StreamingListenerReceiverStarted', 'StreamingListenerReceiverError',
    'StreamingListenerReceiverStopped', 'ReceiverInfo'],
};

describe('public API contract', () => {
  for (const [specifier, { module, names }] of Object.entries(contractValues)) {
    it(`${specifier} exports ${names.length} contract names`, () => {
      const missing = names.filter((n) => module[n] === undefined);
      expect(missing, `${specifier} does not export these names of the API contract`).toEqual([]);
    });
  }

  it("@kindling/dstream's time and clock classes are core's own (so instanceof works across packages)", () => {
    for (const n of ['Duration', 'Milliseconds', 'Seconds', 'Minutes', 'Time', 'ManualClock'] as const) {
      expect(dstream[n], n).toBe(core[n]);
    }
  });

  describe('with the compiler', () => {
    let exports: PublicExport[] = [];
    beforeAll(() => { exports = listPublicExports(publicEntryPoints()).exports; }, 60_000);

    it('the type-only contract names are exported as types', () => {
      const missing = Object.entries(contractTypes).flatMap(([specifier, names]) =>
        names.filter((n) => !exports.some((e) => e.specifier === specifier && e.name === n && !e.isValue)).map((n) => `${specifier}: ${n}`));
      expect(missing).toEqual([]);
    });

    it('every export of every entry point has a TSDoc summary', () => {
      expect(exports.length).toBeGreaterThan(100);
      const undocumented = exports.filter((e) => e.summary === '').map((e) => `${e.specifier} ${e.kind} ${e.name} (${e.declaredAt})`);
      expect(undocumented, 'write a TSDoc comment (/** ... */) on these declarations').toEqual([]);
    });
  });

  it("typedoc documents every entry point of the packages' exports maps", () => {
    const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    const documented = new Set(config.entryPoints.map((p) => join(repoRoot, p)));
    const missing = publicEntryPoints().filter((e) => !documented.has(e.file)).map((e) => `${e.specifier} (${relative(repoRoot, e.file)})`);
    expect(missing, 'add these to typedoc.json entryPoints').toEqual([]);
  });
});
