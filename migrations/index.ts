import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';

/** Every migration, in order. Append-only: a released migration is never edited. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
};
