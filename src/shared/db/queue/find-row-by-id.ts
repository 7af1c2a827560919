import { compiledLookup } from './compiled-lookup.js';
import { SNAPSHOT_COLUMNS, sentOriginates, type RowSnapshot } from './row-columns.js';

/** The row named by a channel's AMIQ_ID variable (the sender sets `AMIQ_ID=<id>`). */
export const findRowById = compiledLookup<RowSnapshot, number>((db, server, id) =>
  sentOriginates(db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS), server).where('id', '=', id),
);
