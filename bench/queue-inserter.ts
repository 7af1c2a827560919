/**
 * A separate client process for the queue benchmarks and tests: inserts rows with the engine's
 * plain driver (better-sqlite3, pg, mysql2), as a CRM would, and prints one JSON line with the
 * insert times. The database is a SQLite path or a postgres:// / mysql:// URL.
 *   node dist/bench/queue-inserter.js <db> burst <rows> <batch> [action]
 *   node dist/bench/queue-inserter.js <db> paced <rowsPerSecond> <durationMs> [action]
 * burst: batches of <batch> rows, each one transaction (SQLite) or one multi-row INSERT.
 * paced: one row per INSERT (its own commit) at the given rate; each row's time is taken once
 * its commit returned.
 */
import BetterSqlite3 from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

const wallNow = (): number => performance.timeOrigin + performance.now();

interface Client {
  one(): Promise<number>;
  many(n: number): Promise<void>;
  close(): Promise<void>;
}

type Row = [action: string, channel: string | null, params: string];

function sqliteClient(path: string, row: Row): Client {
  const db = new BetterSqlite3(path);
  db.pragma('busy_timeout = 5000');
  // As amiq opens the database (WAL + NORMAL: no fsync per commit); a client may choose FULL.
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(`INSERT INTO manager_queue (action, channel, params) VALUES (?, ?, ?) RETURNING id`);
  const one = (): number => (insert.get(...row) as { id: number }).id;
  const many = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) one();
  });
  return { one: async () => one(), many: async (n) => void many(n), close: async () => void db.close() };
}

async function postgresClient(url: string, row: Row): Promise<Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const values = (n: number) => Array.from({ length: n }, (_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ');
  return {
    one: async () => Number((await c.query(`INSERT INTO manager_queue (action, channel, params) VALUES ($1, $2, $3) RETURNING id`, row)).rows[0].id),
    many: async (n) => void (await c.query(`INSERT INTO manager_queue (action, channel, params) VALUES ${values(n)}`, Array(n).fill(row).flat())),
    close: () => c.end(),
  };
}

async function mysqlClient(url: string, row: Row): Promise<Client> {
  const c = await mysql.createConnection({ uri: url });
  const values = (n: number) => Array(n).fill('(?, ?, ?)').join(', ');
  return {
    one: async () => (await c.query<mysql.ResultSetHeader>(`INSERT INTO manager_queue (action, channel, params) VALUES (?, ?, ?)`, row))[0].insertId,
    many: async (n) => void (await c.query(`INSERT INTO manager_queue (action, channel, params) VALUES ${values(n)}`, Array(n).fill(row).flat())),
    close: () => c.end(),
  };
}

function openClient(db: string, row: Row): Promise<Client> | Client {
  if (/^postgres(ql)?:\/\//.test(db)) return postgresClient(db, row);
  if (/^(mysql|mariadb):\/\//.test(db)) return mysqlClient(db.replace(/^mariadb:/, 'mysql:'), row);
  return sqliteClient(db, row);
}

async function main(): Promise<void> {
  const [db, mode, a, b, action = 'Ping'] = process.argv.slice(2);
  if (!db || (mode !== 'burst' && mode !== 'paced')) {
    process.stderr.write('usage: queue-inserter <db> burst <rows> <batch> | paced <perSecond> <durationMs> [action]\n');
    process.exit(2);
  }
  const params = action === 'Originate' ? JSON.stringify({ Application: 'Echo' }) : '{}';
  const channel = action === 'Originate' ? 'Local/300@default' : null;
  const client = await openClient(db, [action, channel, params]);

  if (mode === 'burst') {
    const rows = Number(a);
    const batch = Number(b);
    const start = wallNow();
    for (let done = 0; done < rows; done += batch) await client.many(Math.min(batch, rows - done));
    process.stdout.write(`${JSON.stringify({ start, end: wallNow(), rows })}\n`);
    await client.close();
    return;
  }
  const perSecond = Number(a);
  const durationMs = Number(b);
  const times: Array<[number, number]> = [];
  const start = wallNow();
  const total = Math.floor((perSecond * durationMs) / 1000);
  while (times.length < total) {
    // Catch up on schedule: row i is due at start + i/perSecond.
    const due = Math.min(total, Math.floor(((wallNow() - start) * perSecond) / 1000) + 1);
    while (times.length < due) {
      const id = await client.one();
      times.push([id, wallNow()]);
    }
    const wait = start + (times.length * 1000) / perSecond - wallNow();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  process.stdout.write(`${JSON.stringify({ start, end: wallNow(), times })}\n`);
  await client.close();
}

await main();
