import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a route answers: a status, a content type and a body. */
export interface UIResponse {
  readonly status: number;
  readonly type: string;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Routes a GET request (path and query) to its answer. */
export type UIRequestHandler = (path: string, query: URLSearchParams) => UIResponse | Promise<UIResponse>;

/**
 * The UI could not listen on any port of its range (Spark's `BindException` from
 * `startServiceOnPort`): `StreamingContext.start()` fails with it, as Spark's context does.
 */
export class UIBindError extends Error {
  constructor(
    /** The address it tried to bind (`spark.ui.host` / `spark.driver.bindAddress`). */
    readonly host: string,
    /** The first port tried (`spark.ui.port`; 0 for any free port). */
    readonly firstPort: number,
    /** The last port tried (`spark.ui.port + spark.port.maxRetries` when all were taken). */
    readonly lastPort: number,
    cause: unknown,
  ) {
    const ports = firstPort === lastPort ? `port ${firstPort}` : `ports ${firstPort}..${lastPort}`;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const taken = (cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
    const hint = firstPort === 0 || !taken
      ? 'Set spark.ui.host (or spark.driver.bindAddress) to an address of this machine'
      : 'Set spark.ui.port to a free port (0 picks any) or increase spark.port.maxRetries';
    super(`The web UI (SparkUI) could not listen on ${host}, ${ports}: ${reason}. ${hint}, or set spark.ui.enabled=false to run without the UI.`, { cause });
    this.name = 'UIBindError';
  }
}

// Nothing from the page may load from elsewhere, run inline, or be framed (clickjacking).
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * A read-only HTTP server for the UI: GET and HEAD only, and only for requests whose `Host`
 * header names the bound address, `localhost` or `127.0.0.1` with the bound port, so that a
 * web page elsewhere cannot read it through DNS rebinding. Binds the first free port from
 * `port` up to `port + maxRetries`, as Spark's UI does.
 */
export class UIHttpServer {
  private server: Server | undefined;
  private allowedHosts = new Set<string>();
  /** The bound port, once listening. */
  port = -1;

  constructor(private readonly handler: UIRequestHandler) {}

  /** Listens; resolves with the port bound. */
  async listen(host: string, port: number, maxRetries: number): Promise<number> {
    let lastError: unknown;
    let lastTried = port;
    const attempts = port === 0 ? 1 : maxRetries + 1;
    for (let i = 0; i < attempts; i++) {
      const candidate = port === 0 ? 0 : port + i;
      if (candidate > 65535) break;
      lastTried = candidate;
      try {
        this.server = await this.tryListen(host, candidate);
        this.port = (this.server.address() as AddressInfo).port;
        const names = new Set([host, 'localhost', '127.0.0.1', host.includes(':') ? `[${host}]` : host]);
        this.allowedHosts = new Set([...names].map((n) => `${n}:${this.port}`.toLowerCase()));
        return this.port;
      } catch (e) {
        lastError = e;
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw new UIBindError(host, port, lastTried, lastError);
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private tryListen(host: string, port: number): Promise<Server> {
    const server = createServer((req, res) => { void this.serve(req, res); });
    // The UI never keeps the process alive on its own: the streaming context does, until it stops.
    server.unref();
    server.on('connection', (socket) => socket.unref());
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const host = (req.headers.host ?? '').toLowerCase();
      if (!this.allowedHosts.has(host)) {
        send(res, req, { status: 403, type: 'application/json', body: JSON.stringify({ message: `Host '${req.headers.host ?? ''}' refused: use ${[...this.allowedHosts].join(' or ')}` }) });
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, req, { status: 405, type: 'application/json', body: JSON.stringify({ message: 'the UI is read-only: GET and HEAD only' }), headers: { allow: 'GET, HEAD' } });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://ui.invalid');
      send(res, req, await this.handler(url.pathname, url.searchParams));
    } catch (e) {
      send(res, req, { status: 500, type: 'application/json', body: JSON.stringify({ message: `UI error: ${(e as Error).message}` }) });
    }
  }
}

function send(res: ServerResponse, req: IncomingMessage, r: UIResponse): void {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(r.status, { ...SECURITY_HEADERS, 'content-type': r.type, ...r.headers });
  res.end(req.method === 'HEAD' ? undefined : r.body);
}
