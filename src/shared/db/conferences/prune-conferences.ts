import type { Kysely } from 'kysely';
import { deleteById } from '../delete-by-id.js';
import type { Database } from '../schema.js';

/** Delete up to `limit` conferences of this server closed before `before` (open ones never); returns how many (ids first, as pruneArchive). */
export async function pruneConferences(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const ids = await db
    .selectFrom('conferences')
    .select('id')
    .where('server', '=', server)
    .where('closed_at', 'is not', null)
    .where('closed_at', '<', before)
    .orderBy('id')
    .limit(limit)
    .execute();
  return deleteById(
    db,
    'conferences',
    ids.map((r) => r.id),
  );
}
