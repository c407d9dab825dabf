import { describe, expect, it } from 'vitest';
import { HashPartitioner } from './partitioner.ts';

describe('HashPartitioner', () => {
  it("puts string keys where Spark's does (hashCode mod n, non-negative)", () => {
    const p = new HashPartitioner(4);
    // "hello".hashCode = 99162322; 99162322 mod 4 = 2
    expect(p.getPartition('hello')).toBe(2);
    // "hello world".hashCode = 1794106052; mod 3 = 1794106052 - 3*598035350 = 2
    expect(new HashPartitioner(3).getPartition('hello world')).toBe(2);
    // "polygenelubricants".hashCode = -2^31; -2147483648 mod 5 = -3 -> 2
    expect(new HashPartitioner(5).getPartition('polygenelubricants')).toBe(2);
  });
  it('puts ints by value, negatives wrapped, booleans by 1231/1237', () => {
    const p = new HashPartitioner(3);
    expect(p.getPartition(7)).toBe(1);
    expect(p.getPartition(-1)).toBe(2);
    expect(p.getPartition(true)).toBe(1231 % 3);
    expect(p.getPartition(false)).toBe(1237 % 3);
    expect(p.getPartition(undefined)).toBe(0);
  });
  it('is equal to another with the same partition count', () => {
    expect(new HashPartitioner(2).equals(new HashPartitioner(2))).toBe(true);
    expect(new HashPartitioner(2).equals(new HashPartitioner(3))).toBe(false);
  });
  it('rejects a bad count', () => {
    expect(() => new HashPartitioner(-1)).toThrow(/non-negative integer/);
  });
});
