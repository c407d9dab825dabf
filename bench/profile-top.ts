/**
 * Prints the top self-time frames of each `.cpuprofile` in a folder (as written by
 * `pnpm bench --profile DIR`): `tsx bench/profile-top.ts DIR [frames=15]`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx bench/profile-top.ts DIR [frames]');
  process.exit(2);
}
const frames = Number(process.argv[3] ?? 15);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const cf = byId.get(id)!.callFrame;
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').split('/').slice(-3).join('/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, frames)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
