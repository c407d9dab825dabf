// Informal benchmark of the value codec against JSON and v8.serialize on the shape that
// matters most (object files and checkpointed state: arrays of small tuples).
// Run: npx tsx packages/io/bench/codec.bench.ts
import { deserialize, serialize } from 'node:v8';
import { decodeValues, encodeValues } from '../src/index.ts';

function time(label: string, reps: number, f: () => unknown): number {
  f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms`);
  return ms;
}

const n = 1_000_000;
const tuples: [string, number][] = [];
for (let i = 0; i < n; i++) tuples.push([`word-${i % 5000}`, (i * 7919) % 100000]);
const objects = tuples.slice(0, 200_000).map(([k, v]) => ({ key: k, count: v, avg: v / 3 }));

for (const [name, data] of [[`${n} [string, int] tuples`, tuples], ['200k {key, count, avg} objects', objects]] as const) {
  console.log(`\n${name}`);
  const enc = encodeValues(data);
  const json = JSON.stringify(data);
  const v8b = serialize(data);
  console.log(`sizes: codec ${enc.length} B, JSON ${Buffer.byteLength(json)} B, v8 ${v8b.length} B`);
  const e = time('encode: kindling codec', 5, () => encodeValues(data));
  const ej = time('encode: JSON.stringify + utf8', 5, () => Buffer.from(JSON.stringify(data)));
  const ev = time('encode: v8.serialize', 5, () => serialize(data));
  const d = time('decode: kindling codec', 5, () => decodeValues(enc));
  const jb = Buffer.from(json);
  const dj = time('decode: utf8 + JSON.parse', 5, () => JSON.parse(jb.toString('utf8')));
  const dv = time('decode: v8.deserialize', 5, () => deserialize(v8b));
  console.log(`ratios: encode ${(ej / e).toFixed(2)}x JSON, ${(ev / e).toFixed(2)}x v8; decode ${(dj / d).toFixed(2)}x JSON, ${(dv / d).toFixed(2)}x v8 (>1 = codec faster)`);
}
