/**
 * A cache of generated loops (record chains, combining loops) over the user's functions.
 *
 * A generated loop is a factory compiled once per *shape* and called with the functions it
 * runs: `factory(f0, f1, ..)` returns the loop. Two lookups, cheapest first:
 * - by the functions' identities: a DStream hands the same function objects to each batch's
 *   RDDs, so each batch gets the very loop the previous one warmed up;
 * - by the functions' source texts: a function created inside `transform` (`rdd.sortBy((x) =>
 *   x[1])`) is a new object every batch, with the same source. Calling the factory of that
 *   source again with the new objects costs no parsing, and the new loop shares the factory's
 *   type feedback and optimised code, so it runs warm from its first record.
 * Sharing a factory is always correct: a factory refers to the functions only through its
 * parameters, never to their text; the source is only the key that decides which loops share
 * a compiled body (distinct sources get distinct bodies, so that each call site in a body sees
 * few targets and V8 can inline them).
 * @internal
 */
export class CompiledLoopCache<L> {
  private readonly byIdentity = new WeakMap<object, { shape: string; fns: readonly unknown[]; loop: L }[]>();
  private readonly factories = new Map<string, (...fns: unknown[]) => L>();

  constructor(
    /** Compiles the factory of a shape (`shape` encodes everything but the functions). */
    private readonly compile: (shape: string) => (...fns: unknown[]) => L,
    /** Bounds the factories kept (a program building functions from strings must not grow it forever). */
    private readonly maxFactories = 512,
    /** Bounds the loops kept per function object. */
    private readonly maxPerFunction = 8,
  ) {}

  /** The loop of `shape` over `fns` (the last one keys the identity lookup). */
  get(shape: string, fns: readonly unknown[]): L {
    const keyFn = fns[fns.length - 1] as object;
    let entries = this.byIdentity.get(keyFn);
    if (entries !== undefined) {
      for (const e of entries) {
        if (e.shape !== shape || e.fns.length !== fns.length) continue;
        let same = true;
        for (let k = 0; k < fns.length && same; k++) same = e.fns[k] === fns[k];
        if (same) return e.loop;
      }
    } else {
      this.byIdentity.set(keyFn, entries = []);
    }
    const key = sourceKey(shape, fns);
    let factory = this.factories.get(key);
    if (factory === undefined) {
      if (this.factories.size >= this.maxFactories) this.factories.clear();
      factory = this.compile(shape);
      this.factories.set(key, factory);
    }
    const loop = factory(...fns);
    if (entries.length >= this.maxPerFunction) entries.shift();
    entries.push({ shape, fns: fns.slice(), loop });
    return loop;
  }

  /** How many factories were compiled and are kept (for tests). */
  get compiledFactories(): number { return this.factories.size; }
}

const fnToString = Function.prototype.toString;

function sourceKey(shape: string, fns: readonly unknown[]): string {
  let key = shape;
  for (const f of fns) {
    let text: string;
    try {
      text = fnToString.call(f as () => unknown);
    } catch {
      text = '?';
    }
    key += '\u0000' + text;
  }
  return key;
}
