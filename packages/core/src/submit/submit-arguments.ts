/** What `kindling-submit` was asked to run, as Spark's `SparkSubmitArguments`. */
export interface SubmitArguments {
  /** `--master`: `local`, `local[N]` or `local[*]`. */
  readonly master: string | undefined;
  /** `--name`: the application's name (`spark.app.name`). */
  readonly name: string | undefined;
  /** `--conf key=value`, in the order given (a later one wins). */
  readonly conf: readonly (readonly [string, string])[];
  /** `--properties-file FILE`: `key value` (or `key=value`) lines of settings. */
  readonly propertiesFile: string | undefined;
  /** The application file (`.js`, `.mjs`, `.ts`...). */
  readonly app: string;
  /** Everything after the application file, passed to it unchanged. */
  readonly appArgs: readonly string[];
}

/** A command line kindling-submit cannot run; the message says what is wrong and the usage. */
export class SubmitUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${SUBMIT_USAGE}`);
    this.name = 'SubmitUsageError';
  }
}

/** The usage text, as `kindling-submit --help` prints it. */
export const SUBMIT_USAGE = `Usage: kindling-submit [options] <app.js | app.ts> [app arguments]

Runs a Kindling application with node, as spark-submit runs a Spark one. new SparkConf() in
the application starts from these settings; what the code sets itself wins.

Options:
  --master MASTER          local, local[N] or local[*]  (spark.master)
  --name NAME              the application's name       (spark.app.name; default: the file's name)
  --conf, -c KEY=VALUE     any spark.* setting; repeatable
  --properties-file FILE   spark.* settings, one "key value" or "key=value" per line
  --help, -h               this text

A .ts application runs through tsx when the application's project has it installed.`;

const OPTIONS_WITH_VALUE = new Set(['--master', '--name', '--conf', '-c', '--properties-file']);

/**
 * Parses kindling-submit's command line: options first, then the application file; everything
 * after the file belongs to the application. Returns `'help'` for `--help`.
 */
export function parseSubmitArguments(argv: readonly string[]): SubmitArguments | 'help' {
  let master: string | undefined;
  let name: string | undefined;
  let propertiesFile: string | undefined;
  const conf: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('-')) return { master, name, conf, propertiesFile, app: arg, appArgs: argv.slice(i + 1) };
    const eq = arg.indexOf('=');
    const option = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!OPTIONS_WITH_VALUE.has(option)) throw new SubmitUsageError(`kindling-submit: unknown option ${arg}`);
    let value: string;
    if (option !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i]!;
    else throw new SubmitUsageError(`kindling-submit: ${option} needs a value`);
    switch (option) {
      case '--master': master = value; break;
      case '--name': name = value; break;
      case '--properties-file': propertiesFile = value; break;
      default: {
        const at = value.indexOf('=');
        if (at <= 0) throw new SubmitUsageError(`kindling-submit: --conf ${value} is not key=value (as --conf spark.ui.port=4041)`);
        conf.push([value.slice(0, at), value.slice(at + 1)]);
      }
    }
  }
  throw new SubmitUsageError('kindling-submit: no application file given');
}

/** The `key value` / `key=value` / `key: value` lines of a properties file (`#` and `!` start comments). */
export function parseProperties(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^\s=:]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.push([m[1]!, m[2]!.trim()]);
    else out.push([line, '']);
  }
  return out;
}

/**
 * The settings the application is launched with, by spark-submit's precedence: the properties
 * file, then `--conf`, then `--master` and `--name`; the application's name defaults to its
 * file's name. Keys that do not start with `spark.` are left out and reported, as Spark ignores
 * non-Spark properties.
 */
export function launchSettings(args: SubmitArguments, properties: readonly (readonly [string, string])[] = []): { settings: Map<string, string>; ignored: string[] } {
  const settings = new Map<string, string>();
  const ignored: string[] = [];
  for (const [k, v] of [...properties, ...args.conf]) {
    if (k.startsWith('spark.')) settings.set(k, v);
    else ignored.push(k);
  }
  if (args.master !== undefined) settings.set('spark.master', args.master);
  if (args.name !== undefined) settings.set('spark.app.name', args.name);
  if (!settings.has('spark.app.name')) settings.set('spark.app.name', appBaseName(args.app));
  return { settings, ignored };
}

function appBaseName(app: string): string {
  const file = app.split(/[\\/]/).pop()!;
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}
