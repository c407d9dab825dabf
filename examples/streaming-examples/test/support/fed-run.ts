import type { Socket } from 'node:net';
import { expect } from 'vitest';
import { SparkConf } from '@kindling/core';
import type { ManualClock, StreamingContext } from '@kindling/dstream';
import { waitForStoredRecords } from '@kindling/dstream/testing';
import { printedBatches, wordCounts, type PrintedBatch } from './printed.ts';
import { startTextServer } from './text-server.ts';
import { tasksPerWorker } from './workers.ts';

/** What a fed run of a socket example printed, and where its tasks ran. */
export interface FedRun {
  /** Everything the example printed (print() and its own lines), in order. */
  readonly out: string[];
  /** Tasks run per worker thread, or undefined when every task ran on the main thread. */
  readonly workers: number[] | undefined;
}

/** How to run a socket example for {@link runFed}. */
export interface FedExample {
  /** Builds the example (not started) against the loopback server's `port`, with `conf` (the master under test, a manual clock). */
  readonly build: (port: number, conf: SparkConf, println: (line: string) => void) => Promise<StreamingContext>;
  /** The lines each batch receives, spread over the connections in turn. */
  readonly batches: readonly (readonly string[])[];
  /** How many connections the example opens (its receivers); 1 unless told. */
  readonly connections?: number;
}

/**
 * Runs a socket example under `master` on a manual clock against a loopback text server
 * started here: each batch's lines are written one at a time, each stored as a block of its
 * own, and the clock ticks once the receivers stored them all, so every batch gets exactly its
 * lines, in as many blocks, whatever the master. The same
 * partitioning (`spark.default.parallelism` 2) under every master makes the outputs comparable.
 */
export async function runFed(example: FedExample, master: string): Promise<FedRun> {
  const wanted = example.connections ?? 1;
  const clients: Socket[] = [];
  let allConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => { allConnected = resolve; });
  const server = await startTextServer((socket) => {
    clients.push(socket);
    if (clients.length === wanted) allConnected();
  });
  const out: string[] = [];
  const conf = new SparkConf().setMaster(master).set('spark.streaming.clock', 'manual').set('spark.default.parallelism', 2);
  let ssc: StreamingContext | undefined;
  try {
    ssc = await example.build(server.port, conf, (line) => out.push(line));
    ssc.setConsoleWriter((line) => out.push(line));
    await ssc.start();
    await connected;
    const clock = ssc.clock as ManualClock;
    let sent = 0;
    for (const lines of example.batches) {
      for (let i = 0; i < lines.length; i++) {
        clients[i % clients.length]!.write(`${lines[i]}\n`);
        // One block per line: a batch has several blocks (partitions), so both workers own some
        await waitForStoredRecords(ssc, ++sent, { timeoutMs: 60_000 });
      }
      await clock.advance(ssc.batchDuration.milliseconds);
    }
    return { out, workers: tasksPerWorker(ssc) };
  } finally {
    await ssc?.stop();
    await server.close();
  }
}

/** print()'s batches with each batch's lines sorted: block boundaries follow arrival times, so only a batch's content is comparable between runs. */
export function sortedBatches(out: readonly string[]): PrintedBatch[] {
  return printedBatches(out).map((b) => ({ time: b.time, lines: [...b.lines].sort() }));
}

/**
 * Runs `example` under `local[1]` and then `local[2]`, and checks where their tasks ran: all on
 * the main thread under `local[1]`; in worker threads under `local[2]`, two of them having built
 * the graph, each running some of the tasks unless `oneOwner` (a graph that ends every batch in
 * one partition, whose owner runs its one task).
 */
export async function runOnOneAndTwo(example: FedExample, oneOwner = false): Promise<{ one: FedRun; two: FedRun }> {
  const one = await runFed(example, 'local[1]');
  const two = await runFed(example, 'local[2]');
  expect(one.workers).toBeUndefined();
  expect(two.workers).toHaveLength(2);
  if (oneOwner) expect(two.workers!.reduce((a, b) => a + b, 0)).toBe(example.batches.length);
  else expect(two.workers!.every((n) => n > 0)).toBe(true);
  return { one, two };
}

/** What print() shows of a word count of each batch's lines (`(word,count)`, sorted), at 1 s batches: the known answer, computed from the lines. */
export function printedWordCounts(batches: readonly (readonly string[])[]): PrintedBatch[] {
  return batches.map((lines, i) => ({
    time: `${(i + 1) * 1000} ms`,
    lines: [...wordCounts(lines.join('\n'))].map(([w, n]) => `(${w},${n})`).sort(),
  }));
}
