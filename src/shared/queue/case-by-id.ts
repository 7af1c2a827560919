import { sql, type RawBuilder } from 'kysely';

/**
 * `CASE id WHEN 1 THEN v1 WHEN 2 THEN v2 ... END`: lets one UPDATE give each row of a batch its
 * own value (standard SQL, so any dialect). A row not listed gets `otherwise` (default NULL).
 */
export function caseById<T>(pairs: ReadonlyArray<readonly [number, T]>, otherwise?: RawBuilder<unknown>): RawBuilder<T> {
  const whens = pairs.map(([id, v]) => sql`WHEN ${id} THEN ${v}`);
  return sql<T>`CASE ${sql.ref('id')} ${sql.join(whens, sql` `)} ${otherwise ? sql`ELSE ${otherwise}` : sql``} END`;
}

/** Split a batch so a statement stays well under every dialect's parameter limit. */
export function chunks<T>(items: readonly T[], size = 250): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
