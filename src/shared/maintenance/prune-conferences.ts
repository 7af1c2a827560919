import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Delete up to `limit` conferences of this server closed before `before` (open ones never); returns how many. */
export async function pruneConferences(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const res = await db
    .deleteFrom('conferences')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('conferences')
        .select('id')
        .where('server', '=', server)
        .where('closed_at', 'is not', null)
        .where('closed_at', '<', before)
        .orderBy('id')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
