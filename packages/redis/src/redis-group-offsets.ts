import type { CommittedOffset } from '@kindling/dstream';
import type { RedisClient } from './redis-connection.ts';
import { streamKey } from './topic-layout.ts';

/**
 * Sets a group's position on each partition's stream (creating the group where missing), all
 * partitions in one MULTI. `known` caches the groups known to exist.
 */
export async function commitGroupOffsets(client: RedisClient, groupId: string, offsets: readonly CommittedOffset[], known: Set<string>): Promise<void> {
  for (const o of offsets) {
    const key = streamKey(o.topic, o.partition);
    if (known.has(`${key}\u0000${groupId}`)) continue;
    try {
      await client.sendCommand(['XGROUP', 'CREATE', key, groupId, `0-${o.offset}`, 'MKSTREAM', 'ENTRIESREAD', String(o.offset)]);
    } catch (e) {
      if (!/BUSYGROUP/.test((e as Error)?.message ?? '')) throw e;
    }
    known.add(`${key}\u0000${groupId}`);
  }
  const multi = client.multi();
  for (const o of offsets) multi.addCommand(['XGROUP', 'SETID', streamKey(o.topic, o.partition), groupId, `0-${o.offset}`, 'ENTRIESREAD', String(o.offset)]);
  let failed: unknown;
  try {
    const replies = await multi.exec() as unknown[];
    failed = replies.find((r) => r instanceof Error);
  } catch (e) {
    failed = e;
  }
  if (failed !== undefined) {
    // A stream deleted (and its group with it) since: create the groups again next time.
    for (const o of offsets) known.delete(`${streamKey(o.topic, o.partition)}\u0000${groupId}`);
    throw failed;
  }
}
