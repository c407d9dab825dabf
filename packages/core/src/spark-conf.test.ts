// SparkConf's typed getters; duration and size vectors from Spark's UtilsSuite
// ("timeConversion", "Test byteString conversion").
import { describe, expect, it } from 'vitest';
import { IllegalConfigValueError } from './illegal-config-value-error.ts';
import { SparkConf } from './spark-conf.ts';

const conf = (value: string) => new SparkConf().set('k', value);

describe('SparkConf.getTimeAsMs', () => {
  it('reads durations with Spark\'s units, no unit meaning milliseconds', () => {
    const cases: [string, number][] = [
      ['-1', -1], ['0', 0], ['1', 1], ['1ms', 1], ['1000us', 1], ['1s', 1000], ['1m', 60_000], ['1min', 60_000],
      ['1h', 3_600_000], ['1d', 86_400_000], [' 30S ', 30_000], ['1500us', 1], ['999us', 0], ['-1500us', -1],
    ];
    for (const [text, ms] of cases) expect([text, conf(text).getTimeAsMs('k')]).toEqual([text, ms]);
  });

  it('parses the default the same way when the key is unset, and throws naming the key without one', () => {
    expect(new SparkConf().getTimeAsMs('spark.streaming.blockInterval', '200ms')).toBe(200);
    expect(new SparkConf().getTimeAsMs('k', '2min')).toBe(120_000);
    expect(() => new SparkConf().getTimeAsMs('spark.x')).toThrow(/No value for configuration key spark.x/);
  });

  it('rejects what Spark rejects, naming the key and the value', () => {
    for (const bad of ['600l', 'This breaks 600s', 'This breaks 600ds', '600s This breaks', 'This 123s breaks', '1.5s', '', 's', '2 weeks']) {
      let error: unknown;
      try {
        conf(bad).getTimeAsMs('k');
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(IllegalConfigValueError);
      expect((error as Error).message).toContain(`Configuration key k has an illegal value '${bad}'`);
    }
  });
});

describe('SparkConf.getSizeAsBytes', () => {
  it('reads sizes in binary units, no unit meaning bytes', () => {
    const cases: [string, number][] = [
      ['0', 0], ['1', 1], ['1b', 1], ['1k', 1024], ['1kb', 1024], ['1m', 1024 ** 2], ['1mb', 1024 ** 2], ['1g', 1024 ** 3],
      ['1gb', 1024 ** 3], ['1t', 1024 ** 4], ['1p', 1024 ** 5], ['3645k', 3645 * 1024], ['1024gb', 1024 ** 4], [' 8M ', 8 * 1024 ** 2],
    ];
    for (const [text, bytes] of cases) expect([text, conf(text).getSizeAsBytes('k')]).toEqual([text, bytes]);
  });

  it('takes a default size string or number of bytes', () => {
    expect(new SparkConf().getSizeAsBytes('k', '64k')).toBe(65_536);
    expect(new SparkConf().getSizeAsBytes('k', 10)).toBe(10);
  });

  it('rejects fractions, unknown units, negative sizes and sizes past 2^53, naming the key', () => {
    for (const bad of ['0.064', '0.064m', '500ub', 'This breaks 600b', 'This breaks 600', '600gb This breaks', 'This 123mb breaks', '-1', '9223372036854775807']) {
      expect(() => conf(bad).getSizeAsBytes('k'), bad).toThrow(IllegalConfigValueError);
    }
    expect(() => new SparkConf().set('spark.kindling.receiver.maxLineLength', '1.5m').getSizeAsBytes('spark.kindling.receiver.maxLineLength')).toThrow(/spark.kindling.receiver.maxLineLength has an illegal value '1.5m': expected a size/);
  });
});

describe('SparkConf.getDouble', () => {
  it('reads numbers and rejects what is not one', () => {
    expect(conf('0.2').getDouble('k', 1)).toBe(0.2);
    expect(new SparkConf().getDouble('k', 1.5)).toBe(1.5);
    expect(() => conf('fast').getDouble('k', 1)).toThrow(IllegalConfigValueError);
    expect(() => conf(' ').getDouble('k', 1)).toThrow(IllegalConfigValueError);
  });
});
