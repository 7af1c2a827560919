import type { QueueRow } from '../db/schema.js';
import type { QueueDb } from './types.js';

/** The newest Originate row of a server with this callerid (the call a Redirect/Hangup names). */
export async function findOriginateByCallerid(db: QueueDb, server: string, callerid: string): Promise<QueueRow | undefined> {
  return db
    .selectFrom('manager_queue')
    .selectAll()
    .where('callerid', '=', callerid)
    .where('server', '=', server)
    .where('action', '=', 'Originate')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
