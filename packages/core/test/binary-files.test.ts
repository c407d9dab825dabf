// sc.binaryFiles and sc.binaryRecords, with FileSuite's vectors ("binary file input as byte
// array", "fixed record length binary file as byte array", "negative binary record length
// should raise an exception").
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortableDataStream } from '../src/index.ts';
import { useSparkContext, useTempDir } from './helpers.ts';

describe.each(['local[1]', 'local[2]'])('binary files under %s', (master) => {
  const ctx = useSparkContext(master);
  const tmp = useTempDir();

  it('binary file input as byte array', async () => {
    const testOutput = Uint8Array.of(1, 2, 3, 4, 5, 6);
    const outFile = join(tmp.dir, 'record-bytestream-00000.bin');
    writeFileSync(outFile, testOutput);
    const [[infile, indata]] = await ctx.sc.binaryFiles(outFile).collect() as [[string, PortableDataStream]];
    expect(infile).toBe(`file:${outFile}`);
    expect(indata).toBeInstanceOf(PortableDataStream);
    expect(indata.getPath()).toBe(`file:${outFile}`);
    expect([...indata.toArray()]).toEqual([1, 2, 3, 4, 5, 6]);
    const streamed: number[] = [];
    for await (const chunk of indata.open()) streamed.push(...(chunk as Buffer));
    expect(streamed).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a directory gives every visible file, one pair each, over about minPartitions partitions', async () => {
    const dir = join(tmp.dir, 'blobs');
    mkdirSync(dir);
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.bin`), new Uint8Array(i + 1).fill(i));
    writeFileSync(join(dir, '_SUCCESS'), '');
    writeFileSync(join(dir, '.hidden'), 'x');
    const rdd = ctx.sc.binaryFiles(dir, 3);
    expect(rdd.getNumPartitions()).toBe(3);
    const sizes = (await rdd.map(([p, s]) => [p.slice(p.lastIndexOf('/') + 1), s.toArray().length] as [string, number]).collect()).sort();
    expect(sizes).toEqual([['f0.bin', 1], ['f1.bin', 2], ['f2.bin', 3], ['f3.bin', 4], ['f4.bin', 5]]);
  });

  it('fixed record length binary file as byte array', async () => {
    const testOutput = [1, 2, 3, 4, 5, 6];
    const copies = 10;
    const bytes: number[] = [];
    for (let i = 0; i < copies; i++) bytes.push(...testOutput.map((b) => b + i));
    const outFile = join(tmp.dir, 'record-bytestream-00000.bin');
    writeFileSync(outFile, Uint8Array.from(bytes));
    const inRdd = ctx.sc.binaryRecords(outFile, testOutput.length);
    expect(await inRdd.count()).toBe(copies);
    const inArr = await inRdd.collect();
    for (let i = 0; i < copies; i++) expect([...inArr[i]!]).toEqual(testOutput.map((b) => b + i));
  });

  it('negative binary record length should raise an exception; a cut record fails the task naming the file', async () => {
    const outFile = join(tmp.dir, 'record-bytestream-00000.bin');
    writeFileSync(outFile, Uint8Array.of(1, 2, 3, 4, 5));
    expect(() => ctx.sc.binaryRecords(outFile, -1)).toThrow(/recordLength must be a positive integer, got -1/);
    await expect(ctx.sc.binaryRecords(outFile, 2).count()).rejects.toThrow(/record-bytestream-00000\.bin/);
  });
});
