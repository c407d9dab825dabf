// Starts a real Redis server (Debian's redis-server) for a test, on a Unix socket in a fresh
// temp folder (or a free loopback port), and stops it. A missing redis-server fails the test
// with the command that installs it: these suites never skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Listen on 127.0.0.1:<free port> as well, and make `url` a redis:// URL. */
  readonly tcp?: boolean;
  /** Keep data across `restart()` (append-only file, fsync always). Default: no persistence. */
  readonly persistent?: boolean;
}

export interface RedisServer {
  /** `unix:///.../redis.sock`, or `redis://127.0.0.1:<port>` with `tcp`. */
  readonly url: string;
  readonly socketPath: string;
  readonly dir: string;
  /** Stops the server (SIGTERM, awaited). */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL, awaited): no shutdown, nothing flushed that was not already. */
  kill(): Promise<void>;
  /** Starts it again on the same socket / port (with `persistent`, with its data). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-redis-'));
  const socketPath = join(dir, 'redis.sock');
  const port = options.tcp === true ? await freePort() : 0;
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--unixsocket', socketPath, '--unixsocketperm', '700',
    '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'notice',
    ...(options.persistent === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
  let child: ChildProcess | undefined;
  const start = (): Promise<void> => new Promise((resolve, reject) => {
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (/ready to accept connections/i.test(out)) resolve();
    };
    c.stdout!.on('data', onData);
    c.stderr!.on('data', onData);
    c.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT'
        ? new Error('redis-server is not installed: run `apt-get install -y redis-server` (.ci/run installs it). The Redis suites need a real server and do not skip.')
        : e);
    });
    c.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };
  const stop = (): Promise<void> => end('SIGTERM');
  await start();
  const url = options.tcp === true ? `redis://127.0.0.1:${port}` : `unix://${socketPath}`;
  return {
    url,
    socketPath,
    dir,
    stop,
    kill: () => end('SIGKILL'),
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
