import type { Kysely } from 'kysely';
import type { Database } from '../../shared/db/schema.js';
import { isoNow } from '../../shared/time.js';
import { roomColumns } from './room-columns.js';
import type { RoomState } from '../types.js';

/** A room seen for the first time (or again after it was closed). */
export async function insertRoom(db: Kysely<Database>, server: string, state: RoomState, now: number): Promise<number> {
  const at = isoNow(now);
  const row = await db
    .insertInto('conferences')
    .values({ server, kind: state.kind, room: state.room, ...roomColumns(state), first_seen: at, last_seen: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
