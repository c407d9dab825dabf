// Informal benchmark of the value codec against JSON and v8.serialize on the shapes that
// matter most (object files and checkpointed state: arrays of small tuples, small records).
// Runs are interleaved round by round and reported as medians, so machine noise hits every
// contender alike. Run: npx tsx packages/io/bench/codec.bench.ts
import { deserialize, serialize } from 'node:v8';
import { decodeValues, encodeValues } from '../src/index.ts';

const ROUNDS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function compare(cases: Record<string, () => unknown>): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [name, f] of Object.entries(cases)) {
      const t0 = performance.now();
      f();
      const ms = performance.now() - t0;
      if (r > 0) (times[name] ??= []).push(ms); // round 0 warms up
    }
  }
  const out: Record<string, number> = {};
  for (const [name, ts] of Object.entries(times)) {
    out[name] = median(ts);
    console.log(`  ${name.padEnd(30)} ${out[name]!.toFixed(1).padStart(8)} ms`);
  }
  return out;
}

const n = 1_000_000;
const tuples: [string, number][] = [];
for (let i = 0; i < n; i++) tuples.push([`word-${i % 5000}`, (i * 7919) % 100000]);
const objects = tuples.slice(0, 200_000).map(([k, v]) => ({ key: k, count: v, avg: v / 3 }));

for (const [name, data] of [[`${n} [string, int] tuples`, tuples], ['200k {key, count, avg} objects', objects]] as const) {
  const enc = encodeValues(data);
  const json = Buffer.from(JSON.stringify(data));
  const v8b = serialize(data);
  console.log(`\n${name}: codec ${enc.length} B, JSON ${json.length} B, v8 ${v8b.length} B`);
  const e = compare({
    'encode: kindling codec': () => encodeValues(data),
    'encode: JSON.stringify + utf8': () => Buffer.from(JSON.stringify(data)),
    'encode: v8.serialize': () => serialize(data),
  });
  const d = compare({
    'decode: kindling codec': () => decodeValues(enc),
    'decode: utf8 + JSON.parse': () => JSON.parse(json.toString('utf8')),
    'decode: v8.deserialize': () => deserialize(v8b),
  });
  const k = (x: number, y: number) => (x / y).toFixed(2);
  console.log(
    `  codec speed vs JSON: encode ${k(e['encode: JSON.stringify + utf8']!, e['encode: kindling codec']!)}x, decode ${k(d['decode: utf8 + JSON.parse']!, d['decode: kindling codec']!)}x; ` +
      `vs v8: encode ${k(e['encode: v8.serialize']!, e['encode: kindling codec']!)}x, decode ${k(d['decode: v8.deserialize']!, d['decode: kindling codec']!)}x (>1 = codec faster)`,
  );
}
