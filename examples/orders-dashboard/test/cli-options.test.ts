import { describe, expect, it } from 'vitest';
import { parseDashboardArgs } from '../src/cli-options.ts';

describe('parseDashboardArgs', () => {
  it('has the documented defaults', () => {
    const o = parseDashboardArgs([]);
    expect(o).toMatchObject({
      input: undefined, linesPerFile: 10_000, every: 3000, batch: 5000, out: undefined, work: undefined, keep: false,
      state: 'updateStateByKey', port: 4040, ui: true, replay: false, orders: 500_000, seed: 42, master: 'local[*]',
    });
  });

  it('reads every flag', () => {
    const o = parseDashboardArgs([
      '--input', 'o.txt', '--lines-per-file', '500', '--every', '250', '--batch', '1000', '--out', 'out',
      '--state', 'mapWithState', '--port', '0', '--no-ui', '--replay', '--orders', '1000', '--seed', '3', '--work', 'w', '--keep', '--master', 'local[4]',
    ]);
    expect(o).toMatchObject({
      input: 'o.txt', linesPerFile: 500, every: 250, batch: 1000, out: 'out', state: 'mapWithState',
      port: 0, ui: false, replay: true, orders: 1000, seed: 3, work: 'w', keep: true, master: 'local[4]',
    });
  });

  it('paces a replay only when asked', () => {
    expect(parseDashboardArgs(['--replay']).every).toBe(0);
    expect(parseDashboardArgs(['--replay', '--every', '100']).every).toBe(100);
  });

  it('names the bad flag', () => {
    expect(() => parseDashboardArgs(['--state', 'reduce'])).toThrow('--state must be updateStateByKey or mapWithState, got "reduce"');
    expect(() => parseDashboardArgs(['--batch', '0'])).toThrow('--batch must be a positive integer, got "0"');
    expect(() => parseDashboardArgs(['--lines-per-file', 'ten'])).toThrow('--lines-per-file must be a positive integer');
    expect(() => parseDashboardArgs(['--colour'])).toThrow(/--colour.*See --help/);
    expect(() => parseDashboardArgs(['--master', 'local[0]'])).toThrow('--master must be local, local[N] (N >= 1) or local[*], got "local[0]"');
    expect(() => parseDashboardArgs(['--master', 'yarn'])).toThrow('--master must be local');
  });
});
