/**
 * The engine's fixed costs per batch and per job, measured as CPU time of the process
 * (`process.cpuUsage`: every thread, so fsyncs on the thread pool and GC helpers count),
 * which a loaded machine inflates far less than wall time.
 *
 * Each shape is a small streaming program on `local[1]` and a manual clock, fed batches of a
 * few records, so what it measures is what every batch and every job pays whatever its size:
 * generating the batch's jobs, planning and running their stages, gathering results,
 * checkpoints. The shapes run interleaved (round 1: every shape, round 2: every shape...), each
 * round in a fresh `StreamingContext` after a warm-up, and the table shows the median over the
 * rounds of the CPU time per batch, with jobs, stages and tasks per batch counted in a separate
 * pass (a job listener changes what the scheduler does).
 *
 * `pnpm bench:fixed [--batches 200] [--rounds 7] [--warmup 50] [--only count,book]
 *  [--profile FILE.cpuprofile] [--against OTHER_CHECKOUT]` (see BENCHMARKS.md, "Fixed costs
 * per batch and per job"). With `--against`, the same shapes run on this checkout's engine and
 * on another checkout's (which needs `bench/src/fixed-costs/shapes.ts`), alternated round by
 * round in one process, and a second table gives the median of the rounds' CPU ratios: on a
 * loaded machine the two see about the same load, where runs minutes apart do not.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from 'node:inspector/promises';
import { median } from './src/harness/median.ts';
import * as here from './src/fixed-costs/shapes.ts';
import type { Sample, Shape } from './src/fixed-costs/shapes.ts';

interface Options {
  batches: number;
  rounds: number;
  warmup: number;
  only: string[] | undefined;
  profile: string | undefined;
  against: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { batches: 200, rounds: 7, warmup: 50, only: undefined, profile: undefined, against: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--batches') o.batches = Number(v());
    else if (a === '--rounds') o.rounds = Number(v());
    else if (a === '--warmup') o.warmup = Number(v());
    else if (a === '--only') o.only = v().split(',');
    else if (a === '--profile') o.profile = v();
    else if (a === '--against') o.against = v();
    else if (a === '--help') {
      console.log('usage: tsx --conditions=kindling-source bench/fixed-costs.ts [--batches N] [--rounds N] [--warmup N] [--only shape,...] [--profile FILE] [--against CHECKOUT]');
      console.log(`shapes: ${here.shapes.map((x) => x.name).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** One engine's copy of the shapes module (this checkout's, or another's with `--against`). */
interface Engine {
  readonly label: string;
  readonly mod: typeof here;
}

async function engines(against: string | undefined): Promise<Engine[]> {
  const list: Engine[] = [{ label: '', mod: here }];
  if (against === undefined) return list;
  const file = join(resolve(against), 'bench', 'src', 'fixed-costs', 'shapes.ts');
  if (!existsSync(file)) throw new Error(`--against ${against}: no ${file} (copy this checkout's bench/src/fixed-costs/shapes.ts there)`);
  list.push({ label: '@against', mod: (await import(pathToFileURL(file).href)) as typeof here });
  return list;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const all = await engines(o.against);
  const pick = (mod: typeof here): Shape[] => (o.only === undefined ? mod.shapes : mod.shapes.filter((s) => o.only!.includes(s.name)));
  const chosen = pick(here);
  if (chosen.length === 0) throw new Error(`no shape named ${o.only?.join(',')}; shapes: ${here.shapes.map((s) => s.name).join(', ')}`);
  const load0 = loadavg();
  console.log(`fixed costs: ${chosen.length} shapes x ${all.length} engines x ${o.rounds} rounds x ${o.batches} batches (after ${o.warmup} warm-up batches), load average ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  if (o.against !== undefined) console.log(`engines: this checkout, and ${resolve(o.against)} (rows @against), alternated round by round`);
  const work = new Map<string, Awaited<ReturnType<typeof here.countWork>>>();
  for (const e of all) for (const s of pick(e.mod)) work.set(s.name + e.label, await e.mod.countWork(s, 20));
  let session: Session | undefined;
  if (o.profile !== undefined) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
  }
  const samples = new Map<string, Sample[]>();
  for (let r = 0; r < o.rounds; r++) {
    for (const s of chosen) {
      // Engines alternate within a round (in turn first), so that both see the same load.
      for (let k = 0; k < all.length; k++) {
        const e = all[(k + r) % all.length]!;
        const shape = e.mod.shapes.find((x) => x.name === s.name);
        if (shape === undefined) continue;
        const key = s.name + e.label;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key)!.push(await e.mod.runOnce(shape, o.warmup, o.batches));
      }
    }
  }
  if (session !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(o.profile!, JSON.stringify(profile));
    session.disconnect();
  }
  const load1 = loadavg();
  console.log('');
  console.log('| shape | CPU µs/batch (median) | min | wall µs/batch | first 10 batches CPU µs/batch | start+stop CPU µs | start+stop wall µs | jobs/batch | stages/batch | tasks/batch | jobs |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of chosen) {
    for (const e of all) {
      const key = s.name + e.label;
      const xs = samples.get(key);
      if (xs === undefined) continue;
      const cpu = xs.map((x) => x.cpuUs);
      const first = median(xs.map((x) => x.firstCpuUs));
      const w = work.get(key)!;
      console.log(`| ${key} | ${median(cpu).toFixed(0)} | ${Math.min(...cpu).toFixed(0)} | ${median(xs.map((x) => x.wallUs)).toFixed(0)} | ${Number.isNaN(first) ? '-' : first.toFixed(0)} | ${median(xs.map((x) => x.lifeCpuUs)).toFixed(0)} | ${median(xs.map((x) => x.lifeWallUs)).toFixed(0)} | ${w.jobs.toFixed(1)} | ${w.stages.toFixed(1)} | ${w.tasks.toFixed(1)} | ${w.sites} |`);
    }
  }
  if (o.against !== undefined) {
    // Paired: each round's two runs saw about the same load.
    console.log('');
    console.log('| shape | CPU per batch, this checkout / against (median of the rounds\' ratios) | rounds where this checkout used less CPU |');
    console.log('|---|---:|---:|');
    for (const s of chosen) {
      const a = samples.get(s.name);
      const b = samples.get(s.name + '@against');
      if (a === undefined || b === undefined) continue;
      const ratios = a.map((x, i) => x.cpuUs / b[i]!.cpuUs);
      console.log(`| ${s.name} | ${median(ratios).toFixed(2)} | ${ratios.filter((r) => r < 1).length} of ${ratios.length} |`);
    }
  }
  console.log('');
  for (const s of chosen) console.log(`${s.name}: ${s.what}`);
  console.log(`load average at the end ${load1.map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}`);
}

await main();
