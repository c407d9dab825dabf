import { spawnSync } from 'node:child_process';
import { formatElement } from '../util/format-element.ts';

/**
 * `RDD.pipe`'s work on one partition, as Spark's `PipedRDD`: starts `command` (a program and
 * its arguments; a string is split on whitespace, as Spark's `pipe(String)`), writes each
 * element as a line (`formatElement`, Spark's `toString`) to its standard input, and returns
 * the lines of its standard output. The process runs once per partition, empty or not.
 * @throws when the process cannot start or exits with a non-zero status, naming the command.
 */
export function pipePartition<T>(data: readonly T[], command: readonly string[], env: Readonly<Record<string, string>> | undefined): string[] {
  let input = '';
  for (let i = 0; i < data.length; i++) input += formatElement(data[i]) + '\n';
  const [program, ...args] = command;
  if (program === undefined) throw new Error('pipe needs a command to run');
  const r = spawnSync(program, args, { input, env: env === undefined ? process.env : { ...process.env, ...env }, encoding: 'utf8', maxBuffer: Number.MAX_SAFE_INTEGER });
  const ran = command.join(' ');
  // A program that exits without reading all its input (printenv, head) is no failure: its
  // exit status decides, as in Spark, whose stdin writer ignores the broken pipe.
  const brokenPipe = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && r.status !== null;
  if (r.error !== undefined && !brokenPipe) throw new Error(`Cannot run program "${program}" for pipe (command: ${ran}): ${r.error.message}`, { cause: r.error });
  if (r.status !== 0) {
    const why = r.status === null ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    throw new Error(`Subprocess ${why}. Command ran: ${ran}${r.stderr ? `; its standard error: ${r.stderr.trim().slice(0, 2000)}` : ''}`);
  }
  const out = r.stdout.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** Spark's `pipe(command: String)` tokenization: split on whitespace. */
export function commandOf(command: string | readonly string[]): string[] {
  return typeof command === 'string' ? command.split(/\s+/).filter((t) => t.length > 0) : [...command];
}
