import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-priority-integer.js';
import * as m0003 from './0003-queue-results.js';
import * as m0005 from './0005-queue-tag-index.js';

/** Every migration, in order. Append-only: a released migration is never edited. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-priority-integer': m0002,
  '0003-queue-results': m0003,
  '0005-queue-tag-index': m0005,
};
