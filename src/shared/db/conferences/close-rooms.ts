import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { isoNow } from '../../time.js';

/** Rooms no longer listed have ended: closed_at records when the cleaner noticed. */
export async function closeRooms(db: Kysely<Database>, ids: readonly number[], now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .updateTable('conferences')
    .set({ closed_at: isoNow(now) })
    .where('id', 'in', ids)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
