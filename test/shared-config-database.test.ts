import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/shared/config/index.js';
import { DatabaseUnreachableError, openDatabase, parseDatabaseUrl, redactUrl } from '../src/shared/db/index.js';

const dir = mkdtempSync(join(tmpdir(), 'amiq-dburl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withFile(toml: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, toml);
  return file;
}

describe('[database] url', () => {
  it('is empty by default (SQLite at path); the file sets it; AMIQ_DATABASE_URL overrides the file', () => {
    expect(loadConfig({ cwd: dir, env: {} }).database).toMatchObject({ url: '', poll_interval_ms: 50 });
    const file = withFile(`[database]\nurl = "postgres://amiq:pw@db1:5432/amiq"\n`);
    expect(loadConfig({ path: file, env: {} }).database.url).toBe('postgres://amiq:pw@db1:5432/amiq');
    expect(loadConfig({ path: file, env: { AMIQ_DATABASE_URL: 'mariadb://amiq@db2/amiq', AMIQ_DB: '/x.db' } }).database).toMatchObject({
      url: 'mariadb://amiq@db2/amiq',
      path: '/x.db',
    });
  });

  it.each([
    ['ftp://amiq:pw@db/amiq', /^database\.url: expected postgres:\/\/.*got "ftp:\/\/amiq:\*\*\*@db\/amiq"$/],
    ['postgres://amiq:pw@db', /^database\.url: expected postgres:\/\//],
    ['not a url', /^database\.url: expected postgres:\/\/.*got "\(unparsable URL\)"$/],
  ])('a bad URL (%s) names the key and the rule, never the password', (url, message) => {
    const file = withFile(`[database]\nurl = "${url}"\n`);
    let err: unknown;
    try {
      loadConfig({ path: file, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('database.url');
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(':pw@');
  });

  it('parses every scheme, with default ports; redacts the password', () => {
    expect(parseDatabaseUrl('postgresql://u:p%40ss@h/db')).toMatchObject({
      engine: 'postgres',
      host: 'h',
      port: 5432,
      database: 'db',
      redacted: 'postgresql://u:***@h/db',
    });
    expect(parseDatabaseUrl('mysql://u@h:3307/db')).toMatchObject({ engine: 'mysql', port: 3307 });
    expect(parseDatabaseUrl('mariadb://u@h/db')).toMatchObject({ engine: 'mysql', port: 3306 });
    expect(redactUrl('mysql://u@h/db')).toBe('mysql://u@h/db');
  });

  it('an unreachable server names the key and host:port, without the password', async () => {
    // Port 1 on loopback: nothing listens there, the refusal is immediate.
    const err = await openDatabase({ url: 'postgres://amiq:topsecret@127.0.0.1:1/amiq', path: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    expect((err as Error).message).toMatch(/^database\.url: cannot connect to postgres at 127\.0\.0\.1:1 \(postgres:\/\/amiq:\*\*\*@127\.0\.0\.1:1\/amiq\)/);
    expect((err as Error).message).not.toContain('topsecret');
    const mysql = await openDatabase({ url: 'mysql://amiq:topsecret@127.0.0.1:1/amiq', path: '' }).catch((e: unknown) => e);
    expect((mysql as Error).message).toMatch(/^database\.url: cannot connect to mysql at 127\.0\.0\.1:1 /);
    expect((mysql as Error).message).not.toContain('topsecret');
  });
});
