import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server on 127.0.0.1 for socket-stream tests: `onConnection(socket, n)` for the n-th client (1-based). */
export class LineServer {
  private server: Server | undefined;
  readonly sockets = new Set<Socket>();
  connections = 0;

  constructor(private readonly onConnection: (socket: Socket, n: number) => void) {}

  /** Listens on `port` (0: any free port); resolves with the port. */
  listen(port = 0): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      this.onConnection(socket, ++this.connections);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  }

  /** Closes the server and every connection. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  }
}

/** A port that was free a moment ago (to start a server on later). */
export async function freePort(): Promise<number> {
  const s = new LineServer(() => undefined);
  const port = await s.listen(0);
  await s.close();
  return port;
}

/** Writes `chunks` one by one, waiting `gapMs` between them so they arrive as separate TCP reads. */
export async function writeSlowly(socket: Socket, chunks: readonly (string | Uint8Array)[], gapMs = 15): Promise<void> {
  for (const c of chunks) {
    socket.write(c);
    await new Promise((r) => setTimeout(r, gapMs));
  }
}
