/**
 * Port of Spark's clickstream `PageViewGenerator`: a TCP server that sends every client a
 * random page view every `1000 / viewsPerSecond` ms.
 *
 * Usage: `PageViewGenerator <port> <viewsPerSecond>`; then, in another terminal,
 * `PageViewStream errorRatePerZipCode localhost <port>`. Listens on 127.0.0.1 only.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PageView } from './page-view.ts';
import { intArg, requireArgs, runExample } from '../run-example.ts';

export const pages: readonly [string, number][] = [
  ['http://foo.com/', 0.7],
  ['http://foo.com/news', 0.2],
  ['http://foo.com/contact', 0.1],
];
export const httpStatus: readonly [number, number][] = [[200, 0.95], [404, 0.05]];
export const userZipCode: readonly [number, number][] = [[94709, 0.5], [94117, 0.5]];
export const userID: readonly [number, number][] = Array.from({ length: 100 }, (_, i) => [i + 1, 0.01] as [number, number]);

/** Picks an item with the given probabilities (they add up to 1). */
export function pickFromDistribution<T>(inputMap: readonly [T, number][], random: () => number = Math.random): T {
  const rand = random();
  let total = 0.0;
  for (const [item, prob] of inputMap) {
    total = total + prob;
    if (total > rand) return item;
  }
  return inputMap[0]![0]; // Shouldn't get here if probabilities add up to 1.0
}

/** One random page view, as its line. */
export function getNextClickEvent(random: () => number = Math.random): string {
  const id = pickFromDistribution(userID, random);
  const page = pickFromDistribution(pages, random);
  const status = pickFromDistribution(httpStatus, random);
  const zipCode = pickFromDistribution(userZipCode, random);
  return new PageView(page, status, zipCode, id).toString();
}

/**
 * Starts the generator on 127.0.0.1:`port` (0 picks a free port); resolves once listening.
 * Close the returned server to stop it (its clients are disconnected).
 */
export async function startPageViewGenerator(
  port: number,
  viewsPerSecond: number,
  log: (line: string) => void = (line) => console.log(line),
  random: () => number = Math.random,
): Promise<Server> {
  const sleepDelayMs = Math.trunc(1000.0 / viewsPerSecond);
  const clients = new Set<Socket>();
  const server = createServer((socket) => {
    log(`Got client connected from: ${socket.remoteAddress}`);
    clients.add(socket);
    const timer = setInterval(() => socket.write(getNextClickEvent(random)), Math.max(1, sleepDelayMs));
    const drop = (): void => { clearInterval(timer); clients.delete(socket); };
    socket.on('close', drop);
    socket.on('error', drop);
  });
  server.on('close', () => { for (const c of clients) c.destroy(); });
  const closeServer = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const c of clients) c.destroy();
    return closeServer(cb);
  }) as typeof server.close;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  log(`Listening on port: ${(server.address() as AddressInfo).port}`);
  return server;
}

runExample(import.meta.url, async (args) => {
  requireArgs(args.length === 2, 'Usage: PageViewGenerator <port> <viewsPerSecond>');
  const viewsPerSecond = Number(args[1]);
  requireArgs(viewsPerSecond > 0, '<viewsPerSecond> must be a positive number');
  const server = await startPageViewGenerator(intArg(args[0], 'port'), viewsPerSecond);
  await new Promise<void>((resolve) => server.on('close', () => resolve()));
});
