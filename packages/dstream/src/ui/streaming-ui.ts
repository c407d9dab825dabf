import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLogger, ManualClock } from '@kindling/core';
import type { SparkConf } from '@kindling/core';
import type { StreamingContext } from '../streaming-context.ts';
import { dstreamClasses } from '../dstream/registry.ts';
import { StreamingRestApi } from './streaming-rest-api.ts';
import { StreamingUIStore } from './streaming-ui-store.ts';
import { batchPageData, streamingPageData } from './streaming-page-data.ts';
import { UIHttpServer, type UIResponse } from './ui-http-server.ts';
import { renderUIPage, type UIPage } from './ui-page.ts';

/**
 * The page files (HTML, script, style). They live in the package's `static/` folder, two levels
 * above this module both in `src/ui/` and in a built `dist/ui/`, so the same URL finds them.
 */
export const UI_STATIC_DIR = fileURLToPath(new URL('../../static/', import.meta.url));

const require = createRequire(import.meta.url);
/** uPlot, served from the installed package (never a CDN: the UI works offline). */
const VENDOR: Record<string, string> = {
  'uPlot.iife.min.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
  'uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
};

const PAGES: Record<string, UIPage> = {
  '/streaming/': {
    title: 'Streaming Statistics',
    styles: ['/static/uPlot.min.css'],
    libraries: ['/static/uPlot.iife.min.js'],
    script: '/static/streaming-page.js',
    liveTitle: 'Updates at most once a second',
    main: 'streaming-main.html',
  },
  '/streaming/batch/': { title: 'Batch Details', styles: [], libraries: [], script: '/static/batch-page.js', main: 'batch-main.html' },
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const log = getLogger('SparkUI');

/** The UI settings of a configuration, with Spark's defaults. */
export interface UISettings {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  readonly maxRetries: number;
  readonly retainedBatches: number;
}

/**
 * Reads `spark.ui.enabled` (default on, except under the manual clock, where tests run),
 * `spark.ui.host` / `spark.driver.bindAddress` (default 127.0.0.1), `spark.ui.port` (4040; 0
 * picks a free one) and `spark.port.maxRetries` (16); `retainedBatches` is
 * `spark.streaming.ui.retainedBatches` (1000), read with the other streaming keys by
 * `StreamingConf`.
 */
export function uiSettings(conf: SparkConf, manualClock: boolean, retainedBatches: number): UISettings {
  const int = (key: string, dflt: number, min: number): number => {
    const raw = conf.get(key, String(dflt));
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${key} must be an integer >= ${min}, got '${raw}'`);
    return n;
  };
  const enabledRaw = conf.getOption('spark.ui.enabled');
  if (enabledRaw !== undefined && enabledRaw !== 'true' && enabledRaw !== 'false') {
    throw new Error(`spark.ui.enabled must be 'true' or 'false', got '${enabledRaw}'`);
  }
  return {
    enabled: enabledRaw === undefined ? !manualClock : enabledRaw === 'true',
    host: conf.getOption('spark.ui.host') ?? conf.getOption('spark.driver.bindAddress') ?? '127.0.0.1',
    port: int('spark.ui.port', 4040, 0),
    maxRetries: int('spark.port.maxRetries', 16, 0),
    retainedBatches,
  };
}

/**
 * A streaming context's web UI (Spark's Streaming tab and its REST API): a status store fed by
 * the listener bus and the job listener, Spark's `/api/v1` resources, and the pages under
 * `/streaming/`. `StreamingContext.start()` starts it when `spark.ui.enabled`; `stop()` closes it.
 * @internal
 */
export class StreamingUI {
  readonly store: StreamingUIStore;
  readonly api: StreamingRestApi;
  private readonly server: UIHttpServer;
  /** `http://host:port`, once listening. */
  url: string | undefined;

  constructor(private readonly ssc: StreamingContext, private readonly settings: UISettings) {
    const sc = ssc.sparkContext;
    this.store = new StreamingUIStore(ssc.batchDuration.milliseconds, settings.retainedBatches, () => ssc.graph.inputStreams.map((s) => ({
      id: s.id,
      name: s.inputStreamName,
      isReceiver: s instanceof dstreamClasses.ReceiverInputDStream,
    })));
    this.api = new StreamingRestApi(this.store, {
      id: sc.applicationId,
      name: sc.appName,
      startTime: sc.startTime,
      sparkUser: safeUser(),
      appSparkVersion: packageVersion(),
    }, (opId) => ssc.graph.outputStreams[opId]?.creationSite);
    this.server = new UIHttpServer((path, query) => this.route(path, query));
  }

  /** Whether a context with this configuration and clock serves a UI. */
  static settingsFor(ssc: StreamingContext): UISettings {
    return uiSettings(ssc.sparkContext.getConf(), ssc.clock instanceof ManualClock, ssc.streamingConf.uiRetainedBatches);
  }

  /** Subscribes the store (before the first event) and starts listening; logs the URL at INFO. */
  async start(): Promise<string> {
    this.ssc.addStreamingListener(this.store);
    this.ssc.sparkContext.addJobListener(this.store);
    const { host, port, maxRetries } = this.settings;
    const bound = await this.server.listen(host, port, maxRetries);
    const shownHost = host.includes(':') ? `[${host}]` : host;
    this.url = `http://${shownHost}:${bound}`;
    this.ssc.sparkContext.recordUiWebUrl(this.url);
    log.info(`Bound SparkUI to ${host}, and started at ${this.url} (Streaming: ${this.url}/streaming/)`);
    return this.url;
  }

  /** Stops serving and detaches from the context. */
  async stop(): Promise<void> {
    this.ssc.removeStreamingListener(this.store);
    this.ssc.sparkContext.removeJobListener(this.store);
    await this.server.close();
    if (this.url !== undefined) {
      if (this.ssc.sparkContext.uiWebUrl === this.url) this.ssc.sparkContext.recordUiWebUrl(undefined);
      log.info(`Stopped Spark web UI at ${this.url}`);
    }
  }

  private async route(path: string, query: URLSearchParams): Promise<UIResponse> {
    if (path === '/api/v1' || path.startsWith('/api/v1/')) {
      const r = this.api.handle(path.slice('/api/v1'.length), query);
      // Errors are Spark's bare message in text (see RestResponse).
      return r.status === 200 ? json(r.status, r.body) : { status: r.status, type: 'text/plain; charset=utf-8', body: String(r.body) };
    }
    if (path === '/' || path === '/streaming') return { status: 302, type: 'text/plain; charset=utf-8', body: 'see /streaming/', headers: { location: '/streaming/' } };
    if (path === '/streaming/batch') return { status: 302, type: 'text/plain; charset=utf-8', body: 'see /streaming/batch/', headers: { location: `/streaming/batch/?${query.toString()}` } };
    // The page's poll: compact, since it carries every retained batch each second.
    if (path === '/streaming/data') return json(200, streamingPageData(this.ssc, this.store, this.api), false);
    if (path === '/streaming/batch/data') {
      const id = query.get('id') ?? '';
      const data = /^\d+$/.test(id) ? batchPageData(this.ssc, this.store, Number(id)) : undefined;
      return data === undefined ? json(404, { message: `unknown batch: ${id}` }) : json(200, data);
    }
    const page = PAGES[path];
    if (page !== undefined) return pageFile(page);
    if (path.startsWith('/static/')) {
      const name = path.slice('/static/'.length);
      const vendor = VENDOR[name];
      if (vendor !== undefined) return file(vendor);
      // Only plain file names of the static folder: no path can climb out of it.
      if (/^[a-z0-9-]+\.(js|css|svg)$/.test(name)) return file(join(UI_STATIC_DIR, name));
    }
    return json(404, { message: `no such page: ${path}` });
  }
}

let version: string | undefined;

/**
 * `@kindling/dstream`'s version, read when the REST API first asks: never at import, since a
 * bundled program (esbuild, a minifier) has no package.json beside its modules; there it is
 * `unknown` rather than a crash at load.
 */
function packageVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

function json(status: number, body: unknown, pretty = true): UIResponse {
  return { status, type: 'application/json; charset=utf-8', body: pretty ? JSON.stringify(body, undefined, 2) : JSON.stringify(body) };
}

async function pageFile(page: UIPage): Promise<UIResponse> {
  try {
    return { status: 200, type: TYPES['.html']!, body: renderUIPage(page, await readFile(join(UI_STATIC_DIR, page.main), 'utf8')) };
  } catch {
    return json(404, { message: 'no such file' });
  }
}

async function file(path: string): Promise<UIResponse> {
  try {
    return { status: 200, type: TYPES[extname(path)] ?? 'application/octet-stream', body: await readFile(path) };
  } catch {
    return json(404, { message: 'no such file' });
  }
}

/** Spark's `sparkUser`: `SPARK_USER` when set, else the user running the process. */
function safeUser(): string {
  const fromEnv = process.env.SPARK_USER;
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  try { return userInfo().username; } catch { return ''; }
}
