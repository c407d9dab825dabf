/**
 * A `[key, value]` pair the engine builds for its caller: `[k, v]`, made as a rest parameter's
 * array rather than by an array literal, so that V8 never allocates it straight into the old
 * generation.
 *
 * Why: V8 pretenures by allocation site. Every array literal in the source is a site, and the
 * first scavenge after a site has made 100 objects decides, once and for the rest of the
 * process, whether its objects are allocated young or old: old when 85% or more of what the
 * site made since the previous scavenge is still alive. The engine builds whole partitions of
 * pairs at once from columns (a combine's, a window's) and hands them over as one array (a
 * `collect()`'s result, a user function's input), where they all live until the caller lets
 * the array go. Whether the deciding scavenge falls inside that span depends only on timing,
 * early in the process when the young generation is small: in about a third of processes it
 * did, the pair literal of `PairColumns.pairs` was pretenured, and every later pair (dying as
 * soon as the output operation returned) went to the old space and waited there for a full
 * collection (WordCount over a window: 85 MB peak heap against 63, and about 1.7x the CPU a
 * batch). A rest parameter's array has no allocation site (V8 keeps no feedback for it), so
 * its pairs are young like any short-lived object, and still a plain packed array: optimised
 * code allocates it inline, at a literal's cost.
 *
 * Use it where the engine builds many pairs in one go for someone else to hold; a pair the
 * engine itself keeps for long gains nothing from it.
 * @internal
 */
export function pairOf<K, V>(...kv: [K, V]): [K, V] {
  return kv;
}
