import type { Kysely } from 'kysely';
import type { Database, QueueStatus } from '../schema.js';

export interface LatestTagged {
  id: number;
  tag: string;
  params: string;
  status: QueueStatus;
}

/**
 * For each tag starting with `prefix` among a server's rows (the archive aside), its latest row:
 * the last state the device relay meant that server to hold, re-sent after the server comes back.
 * `prefix` holds no LIKE wildcard (`%`, `_`) by contract.
 */
export async function latestPerTag(db: Kysely<Database>, server: string, prefix: string): Promise<LatestTagged[]> {
  const rows = await db
    .selectFrom('manager_queue')
    .select(['id', 'tag', 'params', 'status'])
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('manager_queue as q')
        .select((e) => e.fn.max('q.id').as('id'))
        .where('q.server', '=', server)
        .where('q.tag', 'like', `${prefix}%`)
        .groupBy('q.tag'),
    )
    .execute();
  return rows.map((r) => ({ id: Number(r.id), tag: r.tag ?? '', params: r.params, status: r.status }));
}
