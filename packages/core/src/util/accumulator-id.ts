let next = 0;

/** A new accumulator id, unique across every accumulator kind in this thread (as Spark's `AccumulatorContext.newId`). @internal */
export function nextAccumulatorId(): number {
  return next++;
}
