import { LIVE_CALL_STATES } from '../schema.js';
import { compiledLookup } from './compiled-lookup.js';
import { SNAPSHOT_COLUMNS, sentOriginates, type RowSnapshot } from './row-columns.js';

/**
 * The newest sent Originate with this callerid whose call has not ended: the channel carrying
 * the callerid as CallerIDName/Num may be its call. Ended calls never bind again.
 */
export const findRowByCallerid = compiledLookup<RowSnapshot, string>((db, server, callerid) =>
  sentOriginates(db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS), server)
    .where('callerid', '=', callerid)
    .where((eb) => eb.or([eb('call_state', 'is', null), eb('call_state', 'in', LIVE_CALL_STATES)]))
    .orderBy('id', 'desc')
    .limit(1),
);
