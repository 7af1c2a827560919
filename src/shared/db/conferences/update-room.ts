import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { isoNow } from '../../time.js';
import type { RoomColumns } from './room-columns.js';

/** Store a listed room's merged state; only an open row is updated. */
export async function updateRoom(db: Kysely<Database>, id: number, columns: RoomColumns, now: number): Promise<boolean> {
  const res = await db
    .updateTable('conferences')
    .set({ ...columns, last_seen: isoNow(now) })
    .where('id', '=', id)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
