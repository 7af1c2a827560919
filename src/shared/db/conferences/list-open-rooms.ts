import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ConferenceRow } from './load-open-rooms.js';

/** Every room not closed, of these servers (undefined = all), by server, kind and room. */
export function listOpenRooms(db: Kysely<Database>, servers: readonly string[] | undefined): Promise<ConferenceRow[]> {
  let q = db.selectFrom('conferences').selectAll().where('closed_at', 'is', null);
  if (servers !== undefined) q = servers.length === 0 ? q.where('id', '<', 0) : q.where('server', 'in', servers);
  return q.orderBy('server').orderBy('kind').orderBy('room').execute();
}
