import { compiledLookup } from './compiled-lookup.js';
import { SNAPSHOT_COLUMNS, type RowSnapshot } from './row-columns.js';

/** The row already bound to this Uniqueid (a call followed before a restart or eviction). */
export const findRowByUniqueid = compiledLookup<RowSnapshot, string>((db, server, uniqueid) =>
  db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS).where('uniqueid', '=', uniqueid).where('server', '=', server).orderBy('id', 'desc').limit(1),
);
