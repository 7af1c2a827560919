/**
 * A separate client process for the queue benchmark and tests: inserts rows with plain
 * better-sqlite3, as a CRM would, and prints one JSON line with the insert times.
 *   node dist/bench/queue-inserter.js <db> burst <rows> <batch> [action]
 *   node dist/bench/queue-inserter.js <db> paced <rowsPerSecond> <durationMs> [action]
 */
import BetterSqlite3 from 'better-sqlite3';

const wallNow = (): number => performance.timeOrigin + performance.now();

function main(): void {
  const [path, mode, a, b, action = 'Ping'] = process.argv.slice(2);
  if (!path || (mode !== 'burst' && mode !== 'paced')) {
    process.stderr.write('usage: queue-inserter <db> burst <rows> <batch> | paced <perSecond> <durationMs> [action]\n');
    process.exit(2);
  }
  const db = new BetterSqlite3(path);
  db.pragma('busy_timeout = 5000');
  // As amiq opens the database (WAL + NORMAL: no fsync per commit); a client may choose FULL.
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(`INSERT INTO manager_queue (action, channel, params) VALUES (?, ?, ?) RETURNING id`);
  const params = action === 'Originate' ? JSON.stringify({ Application: 'Echo' }) : '{}';
  const channel = action === 'Originate' ? 'Local/300@default' : null;
  const one = (): number => (insert.get(action, channel, params) as { id: number }).id;

  if (mode === 'burst') {
    const rows = Number(a);
    const batch = Number(b);
    const many = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) one();
    });
    const start = wallNow();
    for (let done = 0; done < rows; done += batch) many(Math.min(batch, rows - done));
    process.stdout.write(`${JSON.stringify({ start, end: wallNow(), rows })}\n`);
    db.close();
    return;
  }
  const perSecond = Number(a);
  const durationMs = Number(b);
  const times: Array<[number, number]> = [];
  const start = wallNow();
  const total = Math.floor((perSecond * durationMs) / 1000);
  const tick = (): void => {
    // Catch up on schedule: row i is due at start + i/perSecond.
    const due = Math.min(total, Math.floor(((wallNow() - start) * perSecond) / 1000) + 1);
    while (times.length < due) {
      const id = one();
      times.push([id, wallNow()]);
    }
    if (times.length >= total) {
      process.stdout.write(`${JSON.stringify({ start, end: wallNow(), times })}\n`);
      db.close();
      return;
    }
    setTimeout(tick, Math.max(0, start + (times.length * 1000) / perSecond - wallNow()));
  };
  tick();
}

main();
