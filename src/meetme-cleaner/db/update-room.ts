import type { Kysely } from 'kysely';
import type { Database } from '../../shared/db/schema.js';
import { isoNow } from '../../shared/time.js';
import { roomColumns } from './room-columns.js';
import type { RoomState } from '../types.js';

/** Store a listed room's merged state; only an open row is updated. */
export async function updateRoom(db: Kysely<Database>, id: number, state: RoomState, now: number): Promise<boolean> {
  const res = await db
    .updateTable('conferences')
    .set({ ...roomColumns(state), last_seen: isoNow(now) })
    .where('id', '=', id)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
