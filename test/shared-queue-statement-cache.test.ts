import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../src/shared/db/sqlite/statement-cache.js';

describe('withStatementCache (the queue statements run through it)', () => {
  it('reuses a prepared statement per SQL text and drops the least recently used beyond max', () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = withStatementCache(sqlite, 2);
    const a = db.prepare('SELECT 1');
    expect(db.prepare('SELECT 1')).toBe(a);
    const b = db.prepare('SELECT 2');
    expect(db.prepare('SELECT 1')).toBe(a); // touch: SELECT 2 is now the oldest
    db.prepare('SELECT 3');
    expect(db.prepare('SELECT 1')).toBe(a);
    expect(db.prepare('SELECT 2')).not.toBe(b);
    db.close();
    expect(sqlite.open).toBe(false);
  });
});
