import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface SentByTag {
  params: string;
  status: string;
  sent_at: string | null;
}

/**
 * The latest `limit` rows of a server carrying `tag` that were claimed or sent (SENDING, SENT,
 * SUCCESS), newest first: what the device relay wrote into that server lately, to recognise a
 * state the server reports back as its own echo.
 */
export async function recentSentByTag(db: Kysely<Database>, server: string, tag: string, limit: number): Promise<SentByTag[]> {
  return db
    .selectFrom('manager_queue')
    .select(['params', 'status', 'sent_at'])
    .where('server', '=', server)
    .where('tag', '=', tag)
    .where('status', 'in', ['SENDING', 'SENT', 'SUCCESS'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
