import { describe, expect, it } from 'vitest';
import { List, Map as IMap, Set as ISet } from 'immutable';
import { formatElement } from './format-element.ts';

describe('formatElement', () => {
  it('prints tuples like Scala, nested', () => {
    expect(formatElement(['k', ['a', 'b']])).toBe('(k,(a,b))');
    expect(formatElement([true, 1])).toBe('(true,1)');
    expect(formatElement([])).toBe('()');
  });
  it("prints the book's TOP5CLIENTS line", () => {
    expect(formatElement(['TOP5CLIENTS', List([34, 69, 92, 36, 64])])).toBe('(TOP5CLIENTS,List(34, 69, 92, 36, 64))');
  });
  it('prints Immutable and native maps and sets', () => {
    expect(formatElement(IMap({ a: 1 }))).toBe('Map(a -> 1)');
    expect(formatElement(new Map([['a', 1], ['b', 2]]))).toBe('Map(a -> 1, b -> 2)');
    expect(formatElement(ISet([1]))).toBe('Set(1)');
    expect(formatElement(List([['a', 1]]))).toBe('List((a,1))');
  });
  it('prints strings raw, numbers as JS does, undefined as None', () => {
    expect(formatElement('hi there')).toBe('hi there');
    expect(formatElement(1.5)).toBe('1.5');
    expect(formatElement(3)).toBe('3');
    expect(formatElement(undefined)).toBe('None');
    expect(formatElement(['k', [1, undefined]])).toBe('(k,(1,None))');
    expect(formatElement(null)).toBe('null');
    expect(formatElement(12n)).toBe('12');
  });
  it('prints doubles as JS does (API.md), not as Scala: a whole double has no .0', () => {
    // Scala would print 12.0, -0.0 and 1.0E21 for these Doubles; API.md says "numbers as JS
    // prints them", so an amount * price total of 12 dollars prints 12
    expect(formatElement(12.0)).toBe('12');
    expect(formatElement([34, 710 * 51.0])).toBe('(34,36210)');
    expect(formatElement(-0)).toBe('0');
    expect(formatElement(1e21)).toBe('1e+21');
    expect(formatElement(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatElement(Number.NaN)).toBe('NaN');
    expect(formatElement(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatElement(List([1.5, 2]))).toBe('List(1.5, 2)');
  });
  it('uses an own toString, and prints plain objects field by field', () => {
    class Order { toString() { return 'Order(1)'; } }
    expect(formatElement(new Order())).toBe('Order(1)');
    expect(formatElement({ a: 1, b: ['x', 2] })).toBe('{a: 1, b: (x,2)}');
    class Click { constructor(readonly user: string, readonly n: number) {} }
    expect(formatElement(new Click('u1', 3))).toBe('Click(u1,3)');
    expect(formatElement(['k', new Click('u2', 0)])).toBe('(k,Click(u2,0))');
  });
});
