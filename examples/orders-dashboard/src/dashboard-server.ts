import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DashboardModel } from './batch-view.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
  '/favicon.svg': 'favicon.svg',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard's web server: serves its own page, script and style (no CDN: it works offline),
 * the model as JSON at `/api/snapshot`, and pushes every change as Server-Sent Events at
 * `/events` (`snapshot` on connect, then `batch` and `status`). Binds 127.0.0.1 only, and
 * answers only requests whose `Host` header is `127.0.0.1` or `localhost` with its port
 * (403 otherwise): a page of another site that rebinds its DNS name to 127.0.0.1 cannot read
 * the model.
 */
export class DashboardServer {
  private readonly clients = new Set<ServerResponse>();
  private server: Server | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** `Host` header values served (lower case), set once the port is known. */
  private allowedHosts: ReadonlySet<string> = new Set();

  constructor(private readonly model: DashboardModel) {}

  /** Starts listening; resolves with the page's URL. Port 0 picks a free port. */
  async listen(port: number): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`dashboard error: ${(e as Error).message}`);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(new Error(
          e.code === 'EADDRINUSE'
            ? `Port ${port} on 127.0.0.1 is already in use; pass --port with another port (or --port 0 for a free one), or --no-ui.`
            : `The dashboard could not listen on 127.0.0.1:${port}: ${e.message}`,
          { cause: e },
        ));
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.heartbeat = setInterval(() => { for (const c of this.clients) c.write(': keep-alive\n\n'); }, 15_000);
    this.heartbeat.unref();
    const address = server.address() as AddressInfo;
    this.allowedHosts = new Set([`127.0.0.1:${address.port}`, `localhost:${address.port}`]);
    return `http://127.0.0.1:${address.port}`;
  }

  /** Sends an event to every open page. */
  publish(event: 'batch' | 'status', data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) c.write(frame);
  }

  /** Ends every event stream and stops listening. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.clients) c.end();
    this.clients.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!this.allowedHosts.has(host.toLowerCase())) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`Host '${host}' refused: open the dashboard at ${[...this.allowedHosts].map((h) => `http://${h}/`).join(' or ')}`);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(this.model.snapshot())}\n\n`);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
      return;
    }
    if (path === '/api/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(JSON.stringify(this.model.snapshot()));
      return;
    }
    const file = STATIC[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = await readFile(join(PUBLIC_DIR, file));
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
