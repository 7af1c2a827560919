import type { QueryCreator } from 'kysely';
import type { QueueFilter } from './dialect.js';
import type { Database } from './schema.js';

/** The ids a claim takes, in claim order: highest priority first, then oldest (every engine). */
export function claimCandidates(db: QueryCreator<Database>, filter: QueueFilter, limit: number) {
  return db.selectFrom('manager_queue').select('id').where(filter).orderBy('priority', 'desc').orderBy('id').limit(limit);
}
