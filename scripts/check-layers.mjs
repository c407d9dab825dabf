// Fails when a package imports a Kindling package above it in the layering
// io <- core <- dstream <- redis <- examples/bench (redis: the Redis Streams log source). Import cycles inside a package are madge's job.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const allowed = {
  io: [],
  core: ['@kindling/io'],
  dstream: ['@kindling/io', '@kindling/core'],
  redis: ['@kindling/io', '@kindling/core', '@kindling/dstream'],
};
const importRe = /(?:import|export)\s[^'"]*?from\s*['"](@kindling\/[a-z]+)|import\(\s*['"](@kindling\/[a-z]+)/g;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

let bad = 0;
for (const [pkg, ok] of Object.entries(allowed)) {
  for (const file of files(join('packages', pkg))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const target = m[1] ?? m[2];
      if (target !== `@kindling/${pkg}` && !ok.includes(target)) {
        console.error(`${file}: @kindling/${pkg} must not import ${target} (layers: io <- core <- dstream <- redis)`);
        bad++;
      }
    }
  }
}
if (bad) process.exit(1);
console.log('layers ok: io <- core <- dstream <- redis');
