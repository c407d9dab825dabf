import { afterEach, describe, expect, it } from 'vitest';
import { orderParser, parseOrder, readOrder, setWrongLineReporter } from '../src/order.ts';
import type { WrongLineReporter } from '../src/order.ts';

describe('parseOrder', () => {
  let restore: WrongLineReporter | undefined;
  afterEach(() => {
    if (restore) setWrongLineReporter(restore);
    restore = undefined;
  });

  it('reads the book\'s first order line field by field', () => {
    const [o] = parseOrder('2016-03-22 20:25:28,1,80,EPE,710,51.00,B');
    expect(o).toBeDefined();
    expect(o!.orderId).toBe(1);
    expect(o!.clientId).toBe(80);
    expect(o!.symbol).toBe('EPE');
    expect(o!.amount).toBe(710);
    expect(o!.price).toBe(51);
    expect(o!.buy).toBe(true);
    // yyyy-MM-dd HH:mm:ss read in local time, as SimpleDateFormat does by default
    expect(o!.time.getTime()).toBe(new Date(2016, 2, 22, 20, 25, 28).getTime());
  });

  it('reads sells and symbols that contain a dot', () => {
    const out = parseOrder('2016-03-22 20:25:29,17,3,RDS.B,12,7.00,S');
    expect(out).toHaveLength(1);
    expect(out[0]!.symbol).toBe('RDS.B');
    expect(out[0]!.buy).toBe(false);
    expect(out[0]!.amount * out[0]!.price).toBe(84);
  });

  it.each([
    ['2016-03-22 20:25:28,1,80,EPE,710,51.00,X', 'side must be B or S'],
    ['2016-03-22 20:25:28,1,80,EPE,710,51.00', 'expected 7 comma-separated fields, found 6'],
    ['2016-03-22 20:25:28,1,eighty,EPE,710,51.00,B', 'clientId is not an integer'],
    ['2016-03-22 20:25:28,1,80,EPE,7.5,51.00,S', 'amount is not an integer'],
    ['2016-03-22 20:25:28,1,80,EPE,710,abc,B', 'price is not a number'],
    ['22/03/2016 20:25,1,80,EPE,710,51.00,B', 'time is not yyyy-MM-dd HH:mm:ss'],
    ['2016-02-30 20:25:28,1,80,EPE,710,51.00,B', 'time is not a valid date'],
    ['', 'expected 7 comma-separated fields, found 1'],
  ])('reports and drops the malformed line %j', (line, cause) => {
    const messages: string[] = [];
    restore = setWrongLineReporter((m) => messages.push(m));
    expect(parseOrder(line)).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^Wrong line format \(OrderFormatError: /);
    expect(messages[0]).toContain(cause);
    expect(messages[0]!.endsWith(`): ${line}`)).toBe(true);
  });

  it('reports nothing for good lines, and the reporter can be swapped back', () => {
    const first: string[] = [];
    const second: string[] = [];
    restore = setWrongLineReporter((m) => first.push(m));
    parseOrder('2016-03-22 20:25:28,1,80,EPE,710,51.00,B');
    const mine = setWrongLineReporter((m) => second.push(m));
    parseOrder('bad');
    setWrongLineReporter(mine);
    parseOrder('also bad');
    expect(first).toEqual(['Wrong line format (OrderFormatError: expected 7 comma-separated fields, found 1): also bad']);
    expect(second).toEqual(['Wrong line format (OrderFormatError: expected 7 comma-separated fields, found 1): bad']);
  });

  it('orderParser binds its own reporter, for flatMap', () => {
    const seen: string[] = [];
    const parse = orderParser((m) => seen.push(m));
    const lines = ['2016-03-22 20:25:28,1,80,EPE,710,51.00,B', 'nonsense', '2016-03-22 20:25:28,2,70,NFLX,158,8.00,S'];
    const orders = lines.flatMap(parse);
    expect(orders.map((o) => o.orderId)).toEqual([1, 2]);
    expect(seen).toEqual(['Wrong line format (OrderFormatError: expected 7 comma-separated fields, found 1): nonsense']);
  });

  it('readOrder throws the cause instead of reporting', () => {
    expect(() => readOrder('2016-03-22 20:25:28,1,80,EPE,710,51.00,Q')).toThrow('side must be B or S, got "Q"');
  });
});
