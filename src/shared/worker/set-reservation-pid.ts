import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Hands keepalive's reservation to the process it started: until that process registers, the
 * row carries its pid, so another keepalive sees a live pid (not the exited keepalive's) and waits.
 */
export async function setReservationPid(db: Kysely<Database>, server: string, name: string, at: string, pid: number): Promise<boolean> {
  // The token comes from the environment (AMIQ_RESERVATION): text naming no time matches no row,
  // and a timestamp column would refuse it outright.
  if (!Number.isFinite(Date.parse(at))) return false;
  const r = await db
    .updateTable('workers')
    .set({ pid })
    .where('server', '=', server)
    .where('name', '=', name)
    .where('started_at', '=', at)
    .where('state', '=', 'starting')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
