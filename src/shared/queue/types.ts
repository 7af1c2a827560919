import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** A Kysely handle or an open transaction on it: every queue statement runs in either. */
export type QueueDb = Kysely<Database>;
