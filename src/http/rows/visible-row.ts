import type { Kysely } from 'kysely';
import type { Database, QueueRow } from '../../shared/db/schema.js';
import { getRow } from '../../shared/queue/index.js';
import { allowsAction, allowsServer, type TokenScope } from '../auth/scope.js';
import { HttpError } from '../errors.js';

/** Whether the token may see this row: its server and its action are the token's. */
export const canSee = (scope: TokenScope, row: Pick<QueueRow, 'server' | 'action'>): boolean =>
  allowsServer(scope, row.server) && allowsAction(scope, row.action);

export const notFound = (id: number): HttpError =>
  new HttpError(404, `no row ${id} in manager_queue (never made, archived, or not this token's)`, 'id', 'not found');

/** The row, or 404: a row of another token's servers or actions is not found, not forbidden (its existence is not told). */
export async function visibleRow(db: Kysely<Database>, scope: TokenScope, id: number): Promise<QueueRow> {
  const row = await getRow(db, id);
  if (row === undefined || !canSee(scope, row)) throw notFound(id);
  return row;
}
