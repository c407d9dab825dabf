import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markdownExamples, ownNames, preludeFor, tsdocExamples } from './doc-examples.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindling-doc-extract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('doc example extraction', () => {
  it('takes the ts blocks of a Markdown file with the line of their first code line, and their fragment reasons', () => {
    const md = file('a.md', [
      '# Title', //                                      1
      '```sh', //                                        2
      'echo not typescript', //                          3
      '```', //                                          4
      '```ts', //                                        5
      'const a = 1;', //                                 6
      'console.log(a);', //                              7
      '```', //                                          8
      '```ts fragment: a sketch', //                     9
      'type X = { a; b };', //                           10
      '```', //                                          11
      '<!-- not-run: needs a cluster -->', //            12
      '', //                                             13
      '```typescript', //                                14
      'await cluster.start();', //                       15
      '```', //                                          16
    ].join('\n'));
    const found = markdownExamples(md).map(({ line, code, fragment }) => ({ line, code, fragment }));
    expect(found).toEqual([
      { line: 6, code: 'const a = 1;\nconsole.log(a);', fragment: undefined },
      { line: 10, code: 'type X = { a; b };', fragment: 'a sketch' },
      { line: 15, code: 'await cluster.start();', fragment: 'needs a cluster' },
    ]);
  });

  it('takes the ts blocks of TSDoc comments, without the comment markers, keeping indentation', () => {
    const ts = file('b.ts', [
      '// ```ts in a line comment is not documentation', // 1
      '/**', //                                            2
      ' * Summary.', //                                    3
      ' *', //                                             4
      ' * @example', //                                    5
      ' * ```ts', //                                       6
      ' * if (x) {', //                                    7
      ' *   go();', //                                     8
      ' * }', //                                           9
      ' * ```', //                                         10
      ' */', //                                            11
      'export class A {', //                               12
      '  /**', //                                          13
      '   * ```ts', //                                     14
      '   * a.b();', //                                    15
      '   * ```', //                                       16
      '   */', //                                          17
      '  b(): void {}', //                                 18
      '}', //                                              19
    ].join('\n'));
    expect(tsdocExamples(ts).map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 7, code: 'if (x) {\n  go();\n}' },
      { line: 15, code: 'a.b();' },
    ]);
  });

  it('fails on a fence that is never closed, naming where it opens', () => {
    const md = file('c.md', 'text\n```ts\nconst a = 1;\n');
    expect(() => markdownExamples(md)).toThrow(/c\.md:2: code fence ``` is never closed/);
  });

  it('imports the public names an example uses, types with `type`, but not those it imports or declares', () => {
    const exported = new Map([
      ['SparkContext', { specifier: '@kindling/core', isValue: true }],
      ['StreamingContext', { specifier: '@kindling/dstream', isValue: true }],
      ['StreamingListener', { specifier: '@kindling/dstream', isValue: false }],
      ['Seconds', { specifier: '@kindling/core', isValue: true }],
      ['Receiver', { specifier: '@kindling/dstream', isValue: true }],
      ['Time', { specifier: '@kindling/core', isValue: true }],
    ]);
    const code = [
      "import { Seconds } from '@kindling/dstream';",
      'class Receiver {}',
      'const l: StreamingListener = {};',
      'const ssc = new StreamingContext(new SparkContext(), Seconds(1));',
    ].join('\n');
    expect([...ownNames(code)].sort()).toEqual(['Receiver', 'Seconds', 'l', 'ssc']);
    expect(preludeFor(code, exported)).toEqual([
      "import { SparkContext } from '@kindling/core';",
      "import { StreamingContext, type StreamingListener } from '@kindling/dstream';", // sorted by name
    ]);
  });
});
