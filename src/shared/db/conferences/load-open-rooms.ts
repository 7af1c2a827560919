import type { Kysely, Selectable } from 'kysely';
import type { ConferencesTable, Database } from '../schema.js';
import type { ConferenceKindColumn } from './room-columns.js';

export type ConferenceRow = Selectable<ConferencesTable>;

/** The rooms of one kind this server's cleaner saw last and has not closed. */
export function loadOpenRooms(db: Kysely<Database>, server: string, kind: ConferenceKindColumn): Promise<ConferenceRow[]> {
  return db.selectFrom('conferences').selectAll().where('server', '=', server).where('kind', '=', kind).where('closed_at', 'is', null).orderBy('id').execute();
}
