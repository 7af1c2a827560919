/**
 * Child process of the listener benchmark: creates the database and seeds one sent Originate
 * row per storm call, then exits, so the setup's garbage is not in the listener's memory figures.
 *   node dist/bench/listener-seed.js <db path> <calls>
 */
import { migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { StormGenerator } from './listener-storm.js';

const [path, calls] = [process.argv[2]!, Number(process.argv[3])];
const { db, close } = openSqlite(path);
await migrateToLatest(db);
const rows = Array.from({ length: calls }, (_, i) => StormGenerator.call(i));
for (let i = 0; i < rows.length; i += 500) {
  await db
    .insertInto('manager_queue')
    .values(
      rows
        .slice(i, i + 500)
        .map((c) => ({ id: c.id, action: 'Originate', channel: 'Local/100@default', callerid: c.callerid, status: 'SUCCESS' as const, action_id: c.actionId })),
    )
    .execute();
}
await close();
