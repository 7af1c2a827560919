import { sql, type RawBuilder } from 'kysely';
import { queueTimeMs } from '../../queue/queue-time.js';
import type { AmiqDialect } from '../dialect.js';

/**
 * created_at, which a client may write in any form the queue accepts, names an instant before
 * `before` (amiq's own ISO text). Compared as instants, never as text; a row whose created_at
 * names no instant is never taken for old, so it stays where a person can see it.
 */
export function createdBefore(d: AmiqDialect, before: string): RawBuilder<boolean> {
  return sql<boolean>`${d.instantMs('created_at')} < ${queueTimeMs(before)}`;
}
