import type { SelectQueryBuilder } from 'kysely';
import type { Database } from '../schema.js';
import type { RowSnapshot } from './call-columns.js';

/** The columns every lookup returns: what the tracker needs to bind a call to its row. */
export const SNAPSHOT_COLUMNS = ['id', 'uniqueid', 'call_channel', 'linkedid', 'call_state', 'answered_at', 'call_reason', 'action_id'] as const;

/** Originate rows of one server that were (or may have been) written to Asterisk. */
export function sentOriginates<O>(qb: SelectQueryBuilder<Database, 'manager_queue', O>, server: string): SelectQueryBuilder<Database, 'manager_queue', O> {
  return qb
    .where('server', '=', server)
    .where((eb) => eb(eb.fn('lower', ['action']), '=', 'originate'))
    .where('status', 'in', ['SENT', 'SUCCESS', 'LOST']);
}

export type { RowSnapshot };
