import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TS = /\.[mc]?tsx?$/;

/**
 * The code a graph worker thread starts with (evaluated as a script): it registers the
 * TypeScript loader when the entry or the graph module is TypeScript (Kindling runs from
 * sources; a worker does not inherit the main thread's loader), then imports the entry.
 * @internal
 */
export const WORKER_BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const boot = workerData.kindlingBoot;
  if (boot.tsLoader !== undefined) (await import(boot.tsLoader)).register();
  await import(boot.entry);
})().catch((e) => parentPort.postMessage({ type: 'buildFailed', error: { name: 'Error', message: String(e && e.message || e), stack: e && e.stack } }));
`;

/** The worker entry module next to this one (`.ts` from sources, `.js` when built). @internal */
export function workerEntryUrl(): URL {
  const ext = TS.test(import.meta.url) ? '.ts' : '.js';
  return new URL(`./graph-worker${ext}`, import.meta.url);
}

/**
 * The flags a graph worker starts with: the parent's `--conditions` (and the workspace's
 * `kindling-source` condition when Kindling itself runs from its TypeScript sources, as under
 * vitest, which resolves it without a flag), so that the worker resolves `@kindling/*` to
 * the same files as the driver. Loader flags are not passed: the bootstrap registers tsx.
 * `--cpu-prof` (with its folder and interval) is passed on, so that profiling a `local[N]`
 * program writes one profile per worker thread beside the main thread's.
 * @internal
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--conditions=') || a.startsWith('-C=')) out.push(a);
    else if ((a === '--conditions' || a === '-C') && argv[i + 1] !== undefined) out.push(`--conditions=${argv[++i]}`);
    // A profiled program (node --cpu-prof) profiles its worker threads too.
    else if (a === '--cpu-prof' || /^--cpu-prof-(dir|interval)=/.test(a)) out.push(a);
    else if ((a === '--cpu-prof-dir' || a === '--cpu-prof-interval') && argv[i + 1] !== undefined) out.push(`${a}=${argv[++i]}`);
  }
  if (TS.test(import.meta.url) && !out.includes('--conditions=kindling-source')) out.push('--conditions=kindling-source');
  return out;
}

/**
 * The URL of tsx's ESM `register()` API when `urls` include TypeScript, resolved from
 * Kindling's package first, then from the graph module's folder, then from the working
 * directory; throws when TypeScript needs a loader and none is installed.
 * @internal
 */
export function typeScriptLoaderFor(urls: readonly URL[]): string | undefined {
  if (!urls.some((u) => TS.test(u.pathname))) return undefined;
  const from = [import.meta.url, ...urls.filter((u) => u.protocol === 'file:').map((u) => u.href), pathToFileURL(`${process.cwd()}/`).href];
  for (const base of from) {
    try {
      const cjs = createRequire(base.startsWith('file:') ? fileURLToPath(base) : base).resolve('tsx/esm/api');
      const mjs = cjs.replace(/\.cjs$/, '.mjs');
      return pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
    } catch {
      // try the next place
    }
  }
  throw new Error(`Worker threads import ${urls.map((u) => u.href).join(' and ')}, which is TypeScript, but the tsx loader is not installed: add tsx to the project (npm i -D tsx), or build the graph module to JavaScript.`);
}
