// CompiledChain.collectPart: a part of a partition's input through a chain of record ops,
// written over one array that every part of the partition reuses (grouped map sides take
// their shared input part by part: see shuffle-writer's groupedMapSideOutputs).
import { describe, expect, it } from 'vitest';
import { compiledChain } from '../src/rdd/record-pipeline.ts';
import type { ChainFailure, RecordOp } from '../src/rdd/record-pipeline.ts';

const rethrow: ChainFailure = (_k, e) => { throw e; };
// Line i becomes i % 3 records (0, 1 or 2), then odd values are dropped and the rest doubled.
const ops: RecordOp[] = [
  { kind: 'flatMap', f: (x) => Array.from({ length: (x as number) % 3 }, (_, j) => (x as number) * 10 + j) },
  { kind: 'filter', f: (x) => (x as number) % 2 === 0 },
  { kind: 'map', f: (x) => (x as number) * 2 },
];
/** What the chain gives for `xs`, computed here without the engine. */
function expected(xs: readonly number[]): number[] {
  const out: number[] = [];
  for (const x of xs) for (let j = 0; j < x % 3; j++) if ((x * 10 + j) % 2 === 0) out.push((x * 10 + j) * 2);
  return out;
}

describe('collectPart', () => {
  const data = Array.from({ length: 50 }, (_, i) => i);
  const chain = compiledChain(ops);

  it('writes the records of data[from..to) over the array it is given, from index 0', () => {
    const out: unknown[] = [];
    const parts: [number, number][] = [[0, 20], [20, 23], [23, 50], [50, 50]];
    for (const [from, to] of parts) {
      const got = chain.collectPart(data, from, to, rethrow, out);
      expect(got).toBe(out);
      // A shorter part than the one before leaves none of the earlier records behind.
      expect([...got]).toEqual(expected(data.slice(from, to)));
    }
    expect(out.length).toBe(0);
  });

  it('gives what collect gives over the same records', () => {
    const out: unknown[] = [];
    const whole = chain.collect(data, rethrow);
    const joined: unknown[] = [];
    for (let from = 0; from < data.length; from += 7) joined.push(...chain.collectPart(data, from, Math.min(data.length, from + 7), rethrow, out));
    expect(joined).toEqual(whole);
  });

  it("sends a user function's error to fail with its op's index", () => {
    const boom = compiledChain([{ kind: 'map', f: (x) => x }, { kind: 'filter', f: (x) => { if (x === 7) throw new Error('seven'); return true; } }]);
    const seen: number[] = [];
    const fail: ChainFailure = (k, e) => { seen.push(k); throw e; };
    expect(() => boom.collectPart(data, 5, 10, fail, [])).toThrow('seven');
    expect(seen).toEqual([1]);
  });
});
