import { describe, expect, it } from 'vitest';
import { StateImpl } from './state.ts';

describe('State contract', () => {
  it('without state: exists false, get throws, getOption undefined', () => {
    const s = new StateImpl<number>();
    s.wrap(false, undefined);
    expect(s.exists()).toBe(false);
    expect(() => s.get()).toThrow(/State is not set/);
    expect(s.getOption()).toBeUndefined();
    expect(s.isTimingOut()).toBe(false);
  });

  it('with state: get and getOption return it', () => {
    const s = new StateImpl<number>();
    s.wrap(true, 5);
    expect(s.exists()).toBe(true);
    expect(s.get()).toBe(5);
    expect(s.getOption()).toBe(5);
  });

  it('a state of undefined that exists is still there', () => {
    const s = new StateImpl<number | undefined>();
    s.wrap(true, undefined);
    expect(s.exists()).toBe(true);
    expect(s.get()).toBeUndefined();
  });

  it('update sets the state and marks it updated', () => {
    const s = new StateImpl<number>();
    s.wrap(false, undefined);
    s.update(1);
    expect(s.exists()).toBe(true);
    expect(s.get()).toBe(1);
    expect(s.isUpdated()).toBe(true);
    s.update(2);
    expect(s.get()).toBe(2);
  });

  it('remove clears the state; update or remove afterwards throw', () => {
    const s = new StateImpl<number>();
    s.wrap(true, 3);
    s.remove();
    expect(s.exists()).toBe(false);
    expect(s.isRemoved()).toBe(true);
    expect(s.isUpdated()).toBe(false);
    expect(() => s.get()).toThrow(/not set/);
    expect(() => s.update(4)).toThrow(/after it has been removed/);
    expect(() => s.remove()).toThrow(/already been removed/);
  });

  it('remove works on a key that has no state', () => {
    const s = new StateImpl<number>();
    s.wrap(false, undefined);
    s.remove();
    expect(s.isRemoved()).toBe(true);
  });

  it('while timing out: state readable, update and remove throw', () => {
    const s = new StateImpl<string>();
    s.wrapTimingOut('old');
    expect(s.isTimingOut()).toBe(true);
    expect(s.exists()).toBe(true);
    expect(s.get()).toBe('old');
    expect(() => s.update('new')).toThrow(/timing out/);
    expect(() => s.remove()).toThrow(/timing out/);
  });

  it('wrap resets the flags of the previous record', () => {
    const s = new StateImpl<number>();
    s.wrapTimingOut(1);
    s.wrap(true, 2);
    expect(s.isTimingOut()).toBe(false);
    s.remove();
    s.wrap(false, undefined);
    expect(s.isRemoved()).toBe(false);
    s.update(3);
    expect(s.get()).toBe(3);
  });
});
