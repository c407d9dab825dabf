import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A TCP text server on 127.0.0.1 for the socket examples' tests. */
export interface TextServer {
  port: number;
  /** How many clients have connected so far. */
  connections: () => number;
  close: () => Promise<void>;
}

/**
 * Starts a server on a free port of 127.0.0.1; `onClient(socket, n)` runs for the n-th
 * connection (from 1), e.g. to write lines and keep or end the connection.
 */
export async function startTextServer(onClient: (socket: Socket, n: number) => void): Promise<TextServer> {
  const sockets = new Set<Socket>();
  let n = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    onClient(socket, ++n);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => n,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
