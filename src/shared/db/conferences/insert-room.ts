import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';
import type { Database } from '../schema.js';
import { isoNow } from '../../time.js';
import type { ConferenceKindColumn, RoomColumns } from './room-columns.js';

/** A room seen for the first time (or again after it was closed); returns its id. */
export function insertRoom(db: Kysely<Database>, server: string, kind: ConferenceKindColumn, room: string, columns: RoomColumns, now: number): Promise<number> {
  const at = isoNow(now);
  return dialectOf(db).insertId(db.insertInto('conferences').values({ server, kind, room, ...columns, first_seen: at, last_seen: at }));
}
