import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '@kindling/core';
import { WriteAheadLogBlockStore } from './write-ahead-log-block-store.ts';

describe('WriteAheadLogBlockStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    setLogSink(undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("reports a torn log tail as a WARN of the engine's logger (FileBasedWriteAheadLog) and keeps the blocks before it", async () => {
    const checkpointDir = mkdtempSync(join(tmpdir(), 'kindling-wal-store-'));
    dirs.push(checkpointDir);
    const store = new WriteAheadLogBlockStore(join(checkpointDir, 'receivedData/r1'), 'receivedData/r1');
    await store.open(60_000);
    await store.put({ blockId: 'input-0-1', streamId: 0, numRecords: 2, createdAtMs: 1000 }, ['a', 'b']);
    const segment = store.segmentNames[0]!;
    const run = store.run;
    await store.close();
    // A crash in the middle of the next record's header: 3 stray bytes after the first record.
    appendFileSync(join(checkpointDir, 'receivedData/r1', segment), Buffer.from([1, 2, 3]));

    const warnings: string[] = [];
    const other: string[] = [];
    const keepOther = (m: string): void => { other.push(m); };
    setLogSink({ error: keepOther, warn: (m) => warnings.push(m), info: keepOther, debug: keepOther });
    const position = { kind: 'receiver-wal', dir: 'receivedData/r1', run, maxAllocatedOrd: -1 } as const;
    const recovered = await WriteAheadLogBlockStore.recover(checkpointDir, position, new Set(), 0);

    expect([...recovered.blocks.keys()]).toEqual([`${run}/input-0-1`]);
    expect(recovered.blocks.get(`${run}/input-0-1`)!.records).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^FileBasedWriteAheadLog: .*${segment} at byte \\d+: torn record header \\(3 of \\d+ bytes\\); records after it in that segment are not recoverable$`));
    expect(other).toEqual([]);
  });
});
