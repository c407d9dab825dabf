import { SCHEDULES } from './schedule.ts';
import type { Schedule } from './schedule.ts';
import { SYSTEMS } from './workload.ts';
import type { BenchOptions, SystemName } from './workload.ts';
import { YOUNG_GENERATIONS } from './young-generation.ts';
import type { YoungGeneration } from './young-generation.ts';

/** Flags of `pnpm bench` (all optional). */
export const USAGE = `pnpm bench [flags]
  --smoke                 tiny data, one timed run (the CI smoke test)
  --only a,b              workloads: orders-book, orders-small, orders, wordcount, wordcount-inv, grep, topk, latency
  --systems a,b           systems: hand, rxjs, kindling, kindling-cached, kindling-2, kindling-4, beam (default all)
  --runs N                timed runs per system (default 5)
  --warmups N             runs before the timed ones, the verifying (cold) run counted; default: warm up
                          until the CPU time per run stops falling (3-run medians within 5%), 10-20 runs
                          after the verifying one (1 with --smoke)
  --schedule S            interleaved (default): every system's process warms up in turn and stays
                          alive, then the timed runs go in rounds (one run of each system per round,
                          one process computing at a time, the order rotating), and "x hand" is the
                          median of the rounds' ratios; sequential: one process after another, each
                          timing its runs back to back, ratios from medians (the way before stop 20)
  --young-generation Y    pinned (default): every child's semi-spaces held at 16 MB, the size runs
                          back to back grow them to, so that no process's young generation shrinks
                          while it waits for its turn; v8: V8's own sizing (the way before stop 21)
  --seed N                data seed (default 42)
  --orders-files N        orders: files = batches (default 100)     --orders-lines N (default 10000)
  --book-files N          orders-book: batches of the book's data (default 50)   --book-lines N (default 10000)
  --small-files N         orders-small: batches (default 100)        --small-lines N (default 1000)
  --text-batches N        text workloads: 1 s batches (default 40)  --text-records N per batch (default 5000)
  --window N              window in batches (default 30)            --vocabulary N words (default 10000)
  --pattern S             grep pattern (default "the")              --top-k N (default 10)
  --beam-max-records N    Beam's text input: the first batches within N records (default 10000)
  --beam-max-orders N     Beam's orders input: the first files within N lines (default 100000)
  --latency-rate N        offered records/s (default 100000)        --latency-seconds N per trial (default 4)
  --latency-intervals a,b batch intervals tried, ms (default 1000,500,200,100,50,20,10)
  --profile DIR           write a --cpu-prof profile of every child process to DIR
  --out FILE              results file (default bench/results.json)`;

export interface CliOptions {
  bench: Omit<BenchOptions, 'workDir'>;
  only: string[] | undefined;
  systems: SystemName[];
  schedule: Schedule;
  youngGeneration: YoungGeneration;
  profileDir: string | undefined;
  out: string;
}

function int(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, got ${JSON.stringify(value)}\n\n${USAGE}`);
  return n;
}

/** Parses `argv` (without node and script). `--smoke` sets tiny defaults that later flags override. */
export function parseOptions(argv: readonly string[]): CliOptions {
  const smoke = argv.includes('--smoke');
  const bench: Omit<BenchOptions, 'workDir'> = smoke
    ? {
        smoke, runs: 1, warmups: 1, seed: 42,
        ordersFiles: 5, ordersLines: 400, bookFiles: 3, bookLines: 2000, smallFiles: 5, smallLines: 200, textBatches: 6, textRecords: 300, window: 3, vocabulary: 2000,
        pattern: 'the', topK: 10, beamMaxRecords: 900, beamMaxOrders: 800,
        latencyRate: 2000, latencySeconds: 1, latencyIntervals: [200, 100],
      }
    : {
        smoke, runs: 5, warmups: 'auto', seed: 42,
        ordersFiles: 100, ordersLines: 10_000, bookFiles: 50, bookLines: 10_000, smallFiles: 100, smallLines: 1_000, textBatches: 40, textRecords: 5_000, window: 30, vocabulary: 10_000,
        pattern: 'the', topK: 10, beamMaxRecords: 10_000, beamMaxOrders: 100_000,
        latencyRate: 100_000, latencySeconds: 4, latencyIntervals: [1000, 500, 200, 100, 50, 20, 10],
      };
  let only: string[] | undefined;
  let systems: SystemName[] = [...SYSTEMS];
  let schedule: Schedule = 'interleaved';
  let youngGeneration: YoungGeneration = 'pinned';
  let profileDir: string | undefined;
  let out = 'bench/results.json';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--smoke') continue;
    if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    const value = argv[++i];
    if (value === undefined || !flag.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(flag)}\n\n${USAGE}`);
    const name = flag.slice(2);
    switch (name) {
      case 'only': only = value.split(','); break;
      case 'systems': {
        const picked = value.split(',');
        for (const s of picked) if (!(SYSTEMS as readonly string[]).includes(s)) throw new Error(`--systems: unknown system ${JSON.stringify(s)} (one of ${SYSTEMS.join(', ')})`);
        systems = picked as SystemName[];
        break;
      }
      case 'schedule':
        if (!(SCHEDULES as readonly string[]).includes(value)) throw new Error(`--schedule: one of ${SCHEDULES.join(', ')}, got ${JSON.stringify(value)}\n\n${USAGE}`);
        schedule = value as Schedule;
        break;
      case 'young-generation':
        if (!(YOUNG_GENERATIONS as readonly string[]).includes(value)) throw new Error(`--young-generation: one of ${YOUNG_GENERATIONS.join(', ')}, got ${JSON.stringify(value)}\n\n${USAGE}`);
        youngGeneration = value as YoungGeneration;
        break;
      case 'runs': bench.runs = Math.max(1, int(name, value)); break;
      case 'warmups': bench.warmups = Math.max(1, int(name, value)); break;
      case 'seed': bench.seed = int(name, value); break;
      case 'orders-files': bench.ordersFiles = int(name, value); break;
      case 'orders-lines': bench.ordersLines = int(name, value); break;
      case 'book-files': bench.bookFiles = Math.max(1, int(name, value)); break;
      case 'book-lines': bench.bookLines = Math.max(1, int(name, value)); break;
      case 'small-files': bench.smallFiles = Math.max(1, int(name, value)); break;
      case 'small-lines': bench.smallLines = Math.max(1, int(name, value)); break;
      case 'text-batches': bench.textBatches = int(name, value); break;
      case 'text-records': bench.textRecords = int(name, value); break;
      case 'window': bench.window = Math.max(1, int(name, value)); break;
      case 'vocabulary': bench.vocabulary = int(name, value); break;
      case 'pattern': bench.pattern = value; break;
      case 'top-k': bench.topK = Math.max(1, int(name, value)); break;
      case 'beam-max-records': bench.beamMaxRecords = int(name, value); break;
      case 'beam-max-orders': bench.beamMaxOrders = int(name, value); break;
      case 'latency-rate': bench.latencyRate = int(name, value); break;
      case 'latency-seconds': bench.latencySeconds = Math.max(1, int(name, value)); break;
      case 'latency-intervals': bench.latencyIntervals = value.split(',').map((v) => int(name, v)).sort((a, b) => b - a); break;
      case 'profile': profileDir = value; break;
      case 'out': out = value; break;
      default: throw new Error(`unknown flag ${flag}\n\n${USAGE}`);
    }
  }
  return { bench, only, systems, schedule, youngGeneration, profileDir, out };
}
