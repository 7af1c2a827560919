import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-priority-integer.js';
import * as m0003 from './0003-queue-results.js';
import * as m0004 from './0004-queue-changes.js';
import * as m0005 from './0005-queue-tag-index.js';
import * as m0006 from './0006-priority-not-rounded.js';

/** Every migration, in order. Append-only: a released migration is never edited. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-priority-integer': m0002,
  '0003-queue-results': m0003,
  '0004-queue-changes': m0004,
  '0005-queue-tag-index': m0005,
  '0006-priority-not-rounded': m0006,
};
