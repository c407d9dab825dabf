/**
 * One stock order, as the book's `case class Order(time: Timestamp, orderId: Long,
 * clientId: Long, symbol: String, amount: Int, price: Double, buy: Boolean)`.
 */
export interface Order {
  /** When the order was placed (the line's `yyyy-MM-dd HH:mm:ss`, read in local time). */
  readonly time: Date;
  readonly orderId: number;
  readonly clientId: number;
  /** Ticker symbol, e.g. `EPE` or `RDS.A`. */
  readonly symbol: string;
  /** Number of shares. */
  readonly amount: number;
  /** Price per share in dollars. */
  readonly price: number;
  /** `true` for a buy (`B`), `false` for a sell (`S`). */
  readonly buy: boolean;
}

/** Receives one message per malformed line (the book prints it with `println`). */
export type WrongLineReporter = (message: string) => void;

let currentReporter: WrongLineReporter = (message) => console.log(message);

/**
 * Replaces the reporter that {@link parseOrder} tells about malformed lines (default: print to
 * stdout, as the book's `println`). Returns the previous one so a caller can restore it.
 */
export function setWrongLineReporter(reporter: WrongLineReporter): WrongLineReporter {
  const previous = currentReporter;
  currentReporter = reporter;
  return previous;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const INTEGER = /^-?\d+$/;

/** Thrown (and caught) for a line that does not hold a valid order; its message is the cause. */
export class OrderFormatError extends Error {
  override name = 'OrderFormatError';
}

function integerField(value: string | undefined, field: string): number {
  if (value === undefined || !INTEGER.test(value)) throw new OrderFormatError(`${field} is not an integer: ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

/**
 * Reads one order line `time,orderId,clientId,symbol,amount,price,side`, e.g.
 * `2016-03-22 20:25:28,1,80,EPE,710,51.00,B`. Throws {@link OrderFormatError} naming the bad
 * field. Use {@link parseOrder} in a `flatMap`; this is the strict core.
 */
export function readOrder(line: string): Order {
  const s = line.split(',');
  if (s.length !== 7) throw new OrderFormatError(`expected 7 comma-separated fields, found ${s.length}`);
  const side = s[6]!;
  if (side !== 'B' && side !== 'S') throw new OrderFormatError(`side must be B or S, got ${JSON.stringify(side)}`);
  const t = TIME.exec(s[0]!);
  if (!t) throw new OrderFormatError(`time is not yyyy-MM-dd HH:mm:ss: ${JSON.stringify(s[0])}`);
  const time = new Date(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]!, +t[5]!, +t[6]!);
  if (Number.isNaN(time.getTime()) || time.getMonth() !== +t[2]! - 1 || time.getDate() !== +t[3]!) {
    throw new OrderFormatError(`time is not a valid date: ${JSON.stringify(s[0])}`);
  }
  const symbol = s[3]!;
  if (symbol === '') throw new OrderFormatError('symbol is empty');
  const priceText = s[5]!;
  const price = priceText.trim() === '' ? Number.NaN : Number(priceText);
  if (!Number.isFinite(price)) throw new OrderFormatError(`price is not a number: ${JSON.stringify(priceText)}`);
  return {
    time,
    orderId: integerField(s[1], 'orderId'),
    clientId: integerField(s[2], 'clientId'),
    symbol,
    amount: integerField(s[4], 'amount'),
    price,
    buy: side === 'B',
  };
}

/**
 * Returns a `flatMap` function that parses an order line into `[order]`, or reports
 * `Wrong line format (<cause>): <line>` to `report` and returns `[]` (the line is dropped),
 * as the book's listing does.
 */
export function orderParser(report: WrongLineReporter): (line: string) => Order[] {
  return (line) => {
    try {
      return [readOrder(line)];
    } catch (e) {
      report(`Wrong line format (${String(e)}): ${line}`);
      return [];
    }
  };
}

/**
 * The book's `flatMap` body: `[order]` for a good line; for a malformed one, reports
 * `Wrong line format (<cause>): <line>` through the reporter set with
 * {@link setWrongLineReporter} and returns `[]`.
 *
 * @example
 * ```ts
 * const orders = ssc.textFileStream(dir).flatMap(parseOrder);
 * ```
 */
export function parseOrder(line: string): Order[] {
  try {
    return [readOrder(line)];
  } catch (e) {
    currentReporter(`Wrong line format (${String(e)}): ${line}`);
    return [];
  }
}
