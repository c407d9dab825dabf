import { describe, expect, it } from 'vitest';
import { launchSettings, parseProperties, parseSubmitArguments, SubmitUsageError, type SubmitArguments } from './submit-arguments.ts';

const parse = (argv: string[]): SubmitArguments => {
  const parsed = parseSubmitArguments(argv);
  if (parsed === 'help') throw new Error('unexpected --help');
  return parsed;
};

describe('parseSubmitArguments', () => {
  it('reads the options before the application file and passes everything after it to the application', () => {
    const a = parse(['--master', 'local[4]', '--conf', 'spark.ui.port=4041', '-c', 'spark.x=a=b', '--name=Orders', 'app.js', '--master', 'x', 'in.txt']);
    expect(a.master).toBe('local[4]');
    expect(a.name).toBe('Orders');
    expect(a.conf).toEqual([['spark.ui.port', '4041'], ['spark.x', 'a=b']]);
    expect(a.app).toBe('app.js');
    expect(a.appArgs).toEqual(['--master', 'x', 'in.txt']);
  });

  it('accepts --opt=value forms and a properties file', () => {
    const a = parse(['--master=local', '--conf=spark.a=1', '--properties-file', 'my.conf', 'job.ts']);
    expect([a.master, a.conf, a.propertiesFile, a.app, a.appArgs]).toEqual(['local', [['spark.a', '1']], 'my.conf', 'job.ts', []]);
  });

  it('returns help for --help and -h', () => {
    expect(parseSubmitArguments(['--help'])).toBe('help');
    expect(parseSubmitArguments(['--master', 'local', '-h', 'app.js'])).toBe('help');
  });

  it('rejects what it cannot run, with the usage', () => {
    expect(() => parseSubmitArguments(['--master', 'local'])).toThrow(/no application file given[\s\S]*Usage: kindling-submit/);
    expect(() => parseSubmitArguments(['--verbose', 'app.js'])).toThrow(/unknown option --verbose/);
    expect(() => parseSubmitArguments(['--conf', 'spark.a', 'app.js'])).toThrow(/--conf spark.a is not key=value/);
    expect(() => parseSubmitArguments(['--master'])).toThrow(SubmitUsageError);
  });
});

describe('launchSettings', () => {
  it("applies spark-submit's precedence: properties file, then --conf, then --master and --name", () => {
    const args = parse(['--master', 'local[2]', '--conf', 'spark.master=local[8]', '--conf', 'spark.a=conf', '--name', 'N', 'app.js']);
    const { settings } = launchSettings(args, [['spark.a', 'file'], ['spark.b', 'file'], ['spark.app.name', 'F']]);
    expect(Object.fromEntries(settings)).toEqual({ 'spark.master': 'local[2]', 'spark.a': 'conf', 'spark.b': 'file', 'spark.app.name': 'N' });
  });

  it("names the application after its file when --name is not given, and leaves out (and reports) non-Spark keys", () => {
    const { settings, ignored } = launchSettings(parse(['--conf', 'foo=1', '--conf', 'spark.c=2', 'jobs/word-count.mjs']));
    expect(Object.fromEntries(settings)).toEqual({ 'spark.c': '2', 'spark.app.name': 'word-count' });
    expect(ignored).toEqual(['foo']);
  });
});

describe('parseProperties', () => {
  it('reads key value, key=value and key: value lines, skipping comments and blanks', () => {
    expect(parseProperties('# comment\n! also\n\nspark.master  local[2]\nspark.a=1\nspark.b: two words \r\nspark.empty\n'))
      .toEqual([['spark.master', 'local[2]'], ['spark.a', '1'], ['spark.b', 'two words'], ['spark.empty', '']]);
  });
});
