import { compiledLookup } from './compiled-lookup.js';
import { SNAPSHOT_COLUMNS, sentOriginates, type RowSnapshot } from './row-columns.js';

/** The row whose Originate carried this ActionID (OriginateResponse echoes it): the strongest key. */
export const findRowByActionId = compiledLookup<RowSnapshot, string>((db, server, actionId) =>
  sentOriginates(db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS), server).where('action_id', '=', actionId),
);
