import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAUNCH_CONF_ENV } from './launch-conf.ts';
import { launchSettings, parseProperties, parseSubmitArguments, SUBMIT_USAGE, SubmitUsageError } from './submit-arguments.ts';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** Where kindling-submit writes its own messages (stderr by default). */
export type SubmitOutput = (line: string) => void;

/**
 * The `node` arguments that run `app`: the launcher's own Node flags, then tsx's loader for a
 * TypeScript file (found from the application's folder, then from the working directory).
 */
export function nodeArgumentsFor(app: string, cwd: string, execArgv: readonly string[] = process.execArgv): string[] {
  const path = resolve(cwd, app);
  if (!TYPESCRIPT.has(extname(path))) return [...execArgv, path];
  // Launched through tsx itself (as in Kindling's own workspace): the flags pass it on.
  if (execArgv.some((a, i) => execArgv[i - 1] === '--import' && /tsx/.test(a))) return [...execArgv, path];
  for (const from of [path, join(cwd, 'package.json')]) {
    try {
      const loader = createRequire(from).resolve('tsx');
      return [...execArgv, '--import', pathToFileURL(loader).href, path];
    } catch {
      // not installed there
    }
  }
  if ((process.features as { typescript?: unknown }).typescript) return [...execArgv, path];
  throw new SubmitUsageError(`kindling-submit: ${app} is TypeScript and tsx is not installed in its project: npm install --save-dev tsx, or compile it to JavaScript`);
}

/**
 * Runs kindling-submit with `argv` (its arguments, without `node` and the script): starts the
 * application in a child `node` process with the launch settings in {@link LAUNCH_CONF_ENV},
 * and resolves to the exit code to leave with. Ctrl-C reaches the application directly (the
 * terminal signals the whole process group); SIGTERM and SIGHUP sent to the launcher are
 * passed on.
 */
export async function runKindlingSubmit(argv: readonly string[], out: SubmitOutput = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let parsed;
  try {
    parsed = parseSubmitArguments(argv);
  } catch (e) {
    if (!(e instanceof SubmitUsageError)) throw e;
    out(e.message);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(`${SUBMIT_USAGE}\n`);
    return 0;
  }
  const cwd = process.cwd();
  let nodeArgs: string[];
  let properties: [string, string][] = [];
  try {
    if (!existsSync(resolve(cwd, parsed.app))) throw new SubmitUsageError(`kindling-submit: application file ${parsed.app} not found (from ${cwd})`);
    if (parsed.propertiesFile !== undefined) {
      const file = resolve(cwd, parsed.propertiesFile);
      if (!existsSync(file)) throw new SubmitUsageError(`kindling-submit: properties file ${parsed.propertiesFile} not found (from ${cwd})`);
      properties = parseProperties(readFileSync(file, 'utf8'));
    }
    nodeArgs = nodeArgumentsFor(parsed.app, cwd);
  } catch (e) {
    if (!(e instanceof SubmitUsageError)) throw e;
    out(e.message);
    return 2;
  }
  const { settings, ignored } = launchSettings(parsed, properties);
  for (const key of ignored) out(`kindling-submit: ignoring non-Spark config property: ${key}`);

  const child = spawn(process.execPath, [...nodeArgs, ...parsed.appArgs], {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, [LAUNCH_CONF_ENV]: JSON.stringify(Object.fromEntries(settings)) },
  });
  const forward = (signal: NodeJS.Signals): void => { child.kill(signal); };
  const ignoreInterrupt = (): void => {};
  process.on('SIGINT', ignoreInterrupt);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return new Promise((resolvePromise) => {
    child.on('error', (e) => {
      out(`kindling-submit: could not start node: ${e.message}`);
      resolvePromise(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignoreInterrupt);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      // A child killed by a signal: exit as a shell reports it (128 + the signal's number).
      resolvePromise(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
