import type { QueueDb } from '../../shared/queue/types.js';
import { SNAPSHOT_COLUMNS, sentOriginates, type RowSnapshot } from './row-columns.js';

/**
 * The newest sent Originate with this callerid whose call has not ended: the channel carrying
 * the callerid as CallerIDName/Num may be its call. Ended calls never bind again.
 */
export async function findRowByCallerid(db: QueueDb, server: string, callerid: string): Promise<RowSnapshot | undefined> {
  return sentOriginates(db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS), server)
    .where('callerid', '=', callerid)
    .where((eb) => eb.or([eb('call_state', 'is', null), eb('call_state', 'in', ['DIALING', 'RINGING', 'UP'])]))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
