let nextBroadcastId = 0;

/**
 * A read-only value shared with every task, as Spark's `Broadcast`. In one process it is the
 * value itself; the lifecycle (`unpersist`, `destroy`) is kept so ported code behaves alike.
 */
export class Broadcast<T> {
  readonly id = nextBroadcastId++;
  private destroyed = false;
  private v: T | undefined;

  /** @internal Use `sc.broadcast(value)`. */
  constructor(value: T) { this.v = value; }

  /** The value; throws after `destroy()`. */
  get value(): T {
    if (this.destroyed) throw new Error(`Attempted to use ${this.toString()} after it was destroyed: keep it alive until the last job that reads it`);
    return this.v as T;
  }

  /** Spark frees executor copies here; the driver keeps the value, so this is a no-op. */
  unpersist(_blocking = false): void {}

  /** Frees the value; any later use throws. */
  destroy(): void {
    this.destroyed = true;
    this.v = undefined;
  }

  toString(): string { return `Broadcast(${this.id})`; }
}
