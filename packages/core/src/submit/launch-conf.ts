/**
 * The settings an application was launched with, as Spark's `spark.*` system properties:
 * `kindling-submit` puts its `--master`, `--name`, `--conf` and properties-file settings in
 * this environment variable (a JSON object) for the application's process, and
 * `new SparkConf()` loads them. Only `spark.*` keys are read, and no other variable: the
 * environment at large never configures Kindling.
 */
export const LAUNCH_CONF_ENV = 'KINDLING_SUBMIT_CONF';

/** A launch setting that cannot be read; names the variable and what to do. */
export class LaunchConfError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LaunchConfError';
  }
}

/** The `spark.*` settings of the launch (empty when not launched by `kindling-submit`), in key order. */
export function launchConf(env: NodeJS.ProcessEnv = process.env): [string, string][] {
  const raw = env[LAUNCH_CONF_ENV];
  if (raw === undefined || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new LaunchConfError(`${LAUNCH_CONF_ENV} is not JSON (it holds the settings kindling-submit launched this program with): unset it, or launch with kindling-submit --conf key=value`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LaunchConfError(`${LAUNCH_CONF_ENV} must be a JSON object of "spark.*" keys to string values: unset it, or launch with kindling-submit --conf key=value`);
  }
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([k, v]) => k.startsWith('spark.') && typeof v === 'string')
    .map(([k, v]) => [k, v as string] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
