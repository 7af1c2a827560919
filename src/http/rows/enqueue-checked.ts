import type { Kysely } from 'kysely';
import type { AmiqConfig } from '../../shared/config/index.js';
import type { Database, QueueRow } from '../../shared/db/schema.js';
import { enqueue, getRow, type EnqueueInput } from '../../shared/queue/index.js';
import { checkNewRow, senderPolicy } from '../../shared/row-rules/index.js';
import { allowsAction, allowsServer, forbiddenServer, type TokenScope } from '../auth/scope.js';
import { HttpError, refusal } from '../errors.js';

/** A token may write: 403 for a read-only one. */
export function requireWriter(scope: TokenScope): void {
  if (scope.readOnly) throw new HttpError(403, `token ${JSON.stringify(scope.name)} is read-only`, 'authorization', 'read-only token');
}

/**
 * Insert a row only if the token may (writer, server, action) and the sender's own rules accept
 * it (`[action_sender]` policy): a refused request writes nothing, so no row can become INVALID
 * later for a reason known now. Returns the row as stored.
 */
export async function enqueueChecked(db: Kysely<Database>, config: AmiqConfig, scope: TokenScope, input: EnqueueInput): Promise<QueueRow> {
  requireWriter(scope);
  const row = { ...input, server: input.server ?? config.server.name };
  if (!allowsServer(scope, row.server)) throw forbiddenServer(scope, row.server);
  if (!allowsAction(scope, row.action))
    throw new HttpError(403, `action: token ${JSON.stringify(scope.name)} may not send ${JSON.stringify(row.action)}`, 'action', "not in the token's actions");
  const v = checkNewRow(row, senderPolicy(config, row.server));
  if (!v.ok) throw refusal(v.message);
  const id = await enqueue(db, row);
  const stored = await getRow(db, id);
  // Gone between insert and read: only if another client deleted it at once.
  if (stored === undefined) throw new HttpError(500, `row ${id} vanished right after insert`);
  return stored;
}
