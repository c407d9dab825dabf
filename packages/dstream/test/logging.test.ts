import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChild } from './support/child-process.ts';

const PROGRAM = 'packages/dstream/test/support/logging-program.ts';
// log4j's console pattern: yy/MM/dd HH:mm:ss LEVEL Component: message
const LOG4J_LINE = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d (ERROR|WARN|INFO|DEBUG) ([A-Za-z]+): (.*)$/;

function printBlock(time: number, lines: string[]): string[] {
  const rule = '-------------------------------------------';
  return [rule, `Time: ${time} ms`, rule, ...lines, ''];
}

describe('engine logging in a program whose output is piped', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'kindling-logging-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  // What the program itself writes: print() of the upper-cased queue batches, then its own line.
  const programOutput = [
    ...printBlock(1000, ['a', 'b'].map((w) => w.toUpperCase())),
    ...printBlock(2000, ['c'].map((w) => w.toUpperCase())),
    'program: 0 lines match nothing-*, 0 new file lines',
    '',
  ].join('\n');

  it('stdout carries only the program output; engine messages are log4j lines on stderr', async () => {
    const dir = freshDir();
    const r = await runChild(PROGRAM, { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(programOutput);
    const lines = r.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(LOG4J_LINE);
    const parsed = lines.map((l) => { const m = LOG4J_LINE.exec(l)!; return { level: m[1], component: m[2], message: m[3]! }; });
    expect(parsed.map((p) => `${p.level} ${p.component}`)).toEqual([
      'WARN StreamingContext',
      'INFO FileInputDStream',
      'INFO StreamingContext',
      'WARN TextFileRDD',
      'INFO StreamingContext',
    ]);
    // local[2] with a graph built inline: the one warning that says how to go parallel
    expect(parsed[0]!.message).toContain('built inline');
    expect(parsed[0]!.message).toContain('ssc.buildGraph(');
    expect(parsed[1]!.message).toContain(`${join(dir, 'inbox')}: ignoring 2 file(s) already present at start`);
    expect(parsed[2]!.message).toBe('StreamingContext started');
    expect(parsed[3]!.message).toContain(join(dir, 'nothing-*'));
    expect(parsed[4]!.message).toBe('StreamingContext stopped');
  }, 60_000);

  it("sc.setLogLevel('ERROR') silences warnings and info; the program output is unchanged", async () => {
    const r = await runChild(PROGRAM, { dir: freshDir(), setLogLevel: 'ERROR' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(programOutput);
    expect(r.stderr).toBe('');
  }, 60_000);

  it('spark.log.level in the conf sets the level at context creation, as Spark', async () => {
    const r = await runChild(PROGRAM, { dir: freshDir(), confLogLevel: 'warn' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(programOutput);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(LOG4J_LINE);
    expect(lines[0]).toContain(' WARN StreamingContext: Master local[2] asks for 2 threads');
    expect(lines[1]).toContain(' WARN TextFileRDD: textFile: no input files match');
  }, 60_000);
});
