import type { GroupStateStream } from '../input/log/partition-leases.ts';
import { GroupStateMismatchError } from './group-state-mismatch-error.ts';

/** What a start's graph makes of its group's state catalog (see {@link matchStateCatalog}). */
export interface StateCatalogMatch {
  /** Each stateful stream's `name()` in this program -> the id its state is stored under in the group. */
  readonly storedAs: ReadonlyMap<string, string>;
  /** The catalog to store once the instance has joined: this program's streams under their stored ids. */
  readonly catalog: readonly GroupStateStream[];
  /** Compatible changes (a stream found under another name, a new stream), for the log. */
  readonly notes: readonly string[];
}

function describe(e: GroupStateStream): string {
  const stored = e.id === e.name ? '' : `, stored as '${e.id}'`;
  return `'${e.name}' (${e.named ? e.kind : e.structuralKey}${stored}, state on ${e.log})`;
}

/**
 * Matches the stateful streams of this program (`current`, each with its own `name()` as `id`)
 * to the group's state catalog (`stored`), by a metadata checkpoint's rule: a stream the user
 * named matches the entry of that name (or the entry stored under that id, so
 * `setName('updateStateByKey#12')` takes an old positional name's place); any other matches by
 * structural key, so adding or removing streams that are not its ancestors leaves it matched
 * although its positional name shifted. A matched stream restores and commits the state stored
 * under the entry's id. A stream of the catalog with no counterpart, or matched with another
 * kind, slide, window or log, is an incompatibility; new streams are not (their state starts
 * empty, as a checkpoint's new streams start without data).
 * @throws GroupStateMismatchError listing every incompatibility.
 */
export function matchStateCatalog(group: string, streamName: string, stored: readonly GroupStateStream[], current: readonly GroupStateStream[]): StateCatalogMatch {
  const taken = new Set<GroupStateStream>();
  const storedAs = new Map<string, string>();
  const catalog: GroupStateStream[] = [];
  const differences: string[] = [];
  const notes: string[] = [];
  const usedIds = new Set(stored.map((e) => e.id));
  const claims = (e: GroupStateStream, name: string): boolean => e.id === name || (e.named && e.name === name);
  for (const old of stored) {
    let now = current.find((c) => !taken.has(c) && c.named && claims(old, c.name));
    let by = 'its name';
    if (now === undefined) {
      // A named stream whose name another entry claims belongs to that entry, not to this one's structure.
      now = current.find((c) => !taken.has(c) && c.structuralKey === old.structuralKey && !(c.named && stored.some((o) => o !== old && claims(o, c.name))));
      by = 'its place in the graph';
    }
    if (now === undefined) {
      differences.push(`the group keeps the state of ${describe(old)}, which is not in this instance's graph`);
      continue;
    }
    taken.add(now);
    const changed: string[] = [];
    if (now.kind !== old.kind) changed.push(`it was a ${old.kind}, it is now a ${now.kind}`);
    if (now.slideMs !== old.slideMs) changed.push(`its slide changed from ${old.slideMs} ms to ${now.slideMs} ms`);
    if (now.windowMs !== old.windowMs) changed.push(`its window changed from ${old.windowMs ?? 'none'} to ${now.windowMs ?? 'none'} ms`);
    if (now.log !== old.log) changed.push(`its state lives on ${old.log} in the group but on ${now.log} in this graph (a re-keying's repartition log is named after the stream)`);
    if (changed.length > 0) {
      differences.push(`stream '${now.name}' matches the group's state ${describe(old)} by ${by}, but ${changed.join('; ')}`);
      continue;
    }
    storedAs.set(now.id, old.id);
    catalog.push({ ...now, id: old.id });
    if (now.id !== old.id) notes.push(`stream '${now.name}' restores the group's state stored as '${old.id}' (matched by ${by})`);
  }
  if (differences.length > 0) throw new GroupStateMismatchError(group, streamName, differences);
  for (const c of current) {
    if (taken.has(c)) continue;
    let id = c.id;
    for (let n = 1; usedIds.has(id); n++) id = `${c.id}~${n}`;
    usedIds.add(id);
    storedAs.set(c.id, id);
    catalog.push({ ...c, id });
    if (stored.length > 0) notes.push(`stream '${c.name}' (${c.kind}) is new to the group: its state starts empty${id === c.id ? '' : ` and is stored as '${id}'`}`);
  }
  return { storedAs, catalog, notes };
}
