// Issue #4 item 6: saveAsTextFiles / saveAsObjectFiles write whole batch folders atomically and
// idempotently, can skip empty batches, and print goes through the console writer.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputTestKit, clockOf } from './support/input-test-kit.ts';

const kit = new InputTestKit();
afterEach(() => kit.cleanup());

describe('saveAsTextFiles / saveAsObjectFiles', () => {
  it('writes one complete folder per batch (parts and _SUCCESS, no temporary folder left) that textFile reads back', async () => {
    const out = kit.tempDir();
    const ssc = kit.context();
    ssc.queueStream([[1, 2, 3], [4]]).saveAsTextFiles(join(out, 'output'), 'txt');
    await ssc.start();
    await clockOf(ssc).advance(2000);
    expect(readdirSync(out).sort()).toEqual(['output-1000.txt', 'output-2000.txt']);
    const files = readdirSync(join(out, 'output-1000.txt')).sort();
    expect(files).toContain('_SUCCESS');
    expect(files.filter((f) => f.startsWith('part-')).length).toBeGreaterThan(0);
    const back = await ssc.sparkContext.textFile(join(out, 'output-*')).collect();
    expect(back.sort()).toEqual(['1', '2', '3', '4']);
  });

  it('a re-run batch replaces its folder (idempotent), leaving no stale part file', async () => {
    const out = kit.tempDir();
    const first = kit.context();
    first.queueStream([first.sparkContext.parallelize(['a', 'b', 'c'], 3)]).saveAsTextFiles(join(out, 'output'));
    await first.start();
    await clockOf(first).advance(1000);
    await first.stop();
    expect(readdirSync(join(out, 'output-1000')).filter((f) => f.startsWith('part-'))).toHaveLength(3);

    const again = kit.context();
    again.queueStream([again.sparkContext.parallelize(['z'], 1)]).saveAsTextFiles(join(out, 'output'));
    await again.start();
    await clockOf(again).advance(1000);
    expect(readdirSync(join(out, 'output-1000')).sort()).toEqual(['_SUCCESS', 'part-00000']);
    expect(readFileSync(join(out, 'output-1000', 'part-00000'), 'utf8')).toBe('z\n');
    expect(readdirSync(out)).toEqual(['output-1000']);
  });

  it('writes an empty folder for an empty batch by default (as Spark), none with skipEmptyBatches', async () => {
    const out = kit.tempDir();
    const ssc = kit.context();
    const s = ssc.queueStream<number>([[1], [], [2]]);
    s.saveAsTextFiles(join(out, 'all'));
    s.saveAsTextFiles(join(out, 'nonempty'), undefined, { skipEmptyBatches: true });
    s.saveAsObjectFiles(join(out, 'objects'), undefined, { skipEmptyBatches: true });
    await ssc.start();
    await clockOf(ssc).advance(3000);
    expect(readdirSync(out).sort()).toEqual(['all-1000', 'all-2000', 'all-3000', 'nonempty-1000', 'nonempty-3000', 'objects-1000', 'objects-3000']);
    expect(existsSync(join(out, 'all-2000', '_SUCCESS'))).toBe(true);
    expect(await ssc.sparkContext.objectFile<number>(join(out, 'objects-*')).collect()).toEqual([1, 2]);
    expect(await ssc.sparkContext.textFile(join(out, 'nonempty-*')).collect()).toEqual(['1', '2']);
  });

  it('spark.kindling.output.skipEmptyBatches sets the default', async () => {
    const out = kit.tempDir();
    const ssc = kit.context({ 'spark.kindling.output.skipEmptyBatches': 'true' });
    ssc.queueStream<string>([[], ['x']]).saveAsTextFiles(join(out, 'o'));
    await ssc.start();
    await clockOf(ssc).advance(2000);
    expect(readdirSync(out)).toEqual(['o-2000']);
  });
});

describe('print', () => {
  it('goes through the overridable console writer', async () => {
    const ssc = kit.context();
    const lines: string[] = [];
    ssc.setConsoleWriter((l) => lines.push(l));
    ssc.queueStream([[['a', 1] as [string, number]]]).print();
    await ssc.start();
    await clockOf(ssc).advance(1000);
    expect(lines).toEqual(['-------------------------------------------', 'Time: 1000 ms', '-------------------------------------------', '(a,1)', '']);
  });
});
