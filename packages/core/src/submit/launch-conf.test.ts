import { afterEach, describe, expect, it } from 'vitest';
import { SparkConf } from '../spark-conf.ts';
import { launchConf, LAUNCH_CONF_ENV, LaunchConfError } from './launch-conf.ts';

afterEach(() => { delete process.env[LAUNCH_CONF_ENV]; });

describe('the launch settings', () => {
  it('are the spark.* keys of the variable kindling-submit sets', () => {
    expect(launchConf({})).toEqual([]);
    expect(launchConf({ [LAUNCH_CONF_ENV]: JSON.stringify({ 'spark.master': 'local[3]', other: 'x', 'spark.n': 5, 'spark.a': 'y' }) }))
      .toEqual([['spark.a', 'y'], ['spark.master', 'local[3]']]);
  });

  it('name the variable when it cannot be read', () => {
    expect(() => launchConf({ [LAUNCH_CONF_ENV]: '{oops' })).toThrow(LaunchConfError);
    expect(() => launchConf({ [LAUNCH_CONF_ENV]: '[1]' })).toThrow(new RegExp(`${LAUNCH_CONF_ENV} must be a JSON object`));
  });

  it('are where new SparkConf() starts, and what the code sets wins', () => {
    process.env[LAUNCH_CONF_ENV] = JSON.stringify({ 'spark.master': 'local[3]', 'spark.app.name': 'Launched', 'spark.ui.port': '4050' });
    const conf = new SparkConf().setAppName('FromCode').set('spark.extra', 1);
    expect(conf.getAll()).toEqual([['spark.app.name', 'FromCode'], ['spark.extra', '1'], ['spark.master', 'local[3]'], ['spark.ui.port', '4050']]);
    expect(new SparkConf(false).getAll()).toEqual([]);
  });

  it('are not loaded again by clone(): a removed key stays removed', () => {
    process.env[LAUNCH_CONF_ENV] = JSON.stringify({ 'spark.ui.port': '4050' });
    const conf = new SparkConf().remove('spark.ui.port').setMaster('local');
    expect(conf.clone().getAll()).toEqual([['spark.master', 'local']]);
  });

  it('come from that variable only, not from the environment at large', () => {
    process.env['SPARK_MASTER'] = 'local[9]';
    process.env['spark.master'] = 'local[9]';
    try {
      expect(new SparkConf().getAll()).toEqual([]);
    } finally {
      delete process.env['SPARK_MASTER'];
      delete process.env['spark.master'];
    }
  });
});
