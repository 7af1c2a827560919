import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueTimeMs } from '../src/shared/queue/queue-time.js';
import { startExampleWorkers } from './helpers/example-workers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';
import { until } from './helpers/action-sender-helpers.js';

// The worked examples of docs/client-examples.md, run as written against a migrated database
// while the real sender and listener talk to the simulator: a doc example that stopped working
// fails here.
const ROOT = new URL('..', import.meta.url).pathname;
// The SQLite part: the server engines' examples are run by shared-queue-client-examples-server.test.ts.
const DOC = readFileSync(join(ROOT, 'docs/client-examples.md'), 'utf8').split('\n## PostgreSQL and MySQL/MariaDB')[0]!;
const blocks = (lang: string): string[] => [...DOC.matchAll(/```(\w+)\n([\s\S]*?)```/g)].filter((m) => m[1] === lang).map((m) => m[2]!);
const hasPython = spawnSync('python3', ['--version']).status === 0;

const OPEN = ['NEW', 'SENDING', 'SENT'];

describe('docs/client-examples.md', () => {
  let t: TestDb;
  let workers: { stop(): Promise<void> };

  beforeEach(async () => {
    t = await openTestDb();
    symlinkSync(join(ROOT, 'node_modules'), join(t.dir, 'node_modules')); // where the examples' better-sqlite3 resolves
    workers = await startExampleWorkers(t.db);
  });
  afterEach(async () => {
    await workers.stop();
    await t.cleanup();
  });

  /** Runs one example program in the database's directory; resolves with its last stdout line as JSON. */
  function runExample(cmd: string, file: string, code: string, args: string[] = []): Promise<Record<string, unknown>> {
    writeFileSync(join(t.dir, file), code);
    const child = spawn(cmd, [file, ...args], { cwd: t.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${cmd} ${file} exited ${code}: ${err}`)),
      );
    });
  }

  it('the SQL statements insert rows the sender accepts, with times it reads', async () => {
    expect(blocks('sql').length).toBeGreaterThanOrEqual(2);
    // A plain connection in another process (as a client's is), no amiq code; it prints nothing.
    const script = `const D = require('better-sqlite3'); const d = new D('amiq.db'); for (const s of JSON.parse(process.argv[2])) d.exec(s); d.close(); console.log('{}');`;
    await runExample(process.execPath, 'sql-examples.cjs', script, [JSON.stringify(blocks('sql'))]);
    const rows = await t.db.selectFrom('manager_queue').selectAll().orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['Originate', 'Originate', 'Redirect', 'Hangup']);
    for (const r of rows)
      for (const c of ['not_before', 'expires_at', 'created_at'] as const) if (r[c] !== null) expect(queueTimeMs(r[c]), `${r.id}.${c}`).not.toBeNull();
    const scheduled = rows[1]!.id;
    const settled = await until(async () => {
      const now = await t.db.selectFrom('manager_queue').select(['id', 'status', 'message']).where('id', '!=', scheduled).orderBy('id').execute();
      return now.every((r) => !OPEN.includes(r.status)) ? now : null;
    }, 'the unscheduled example rows to settle');
    expect(settled!.map((r) => r.status)).toEqual(['SUCCESS', 'FAILED', 'FAILED']); // the Redirect's channel and the callerid do not exist here
    expect(settled![2]!.message).toMatch(/no Originate row has this callerid/);
  });

  it('the Node example queues an Originate and follows it to the end of its call', async () => {
    const [code] = blocks('js');
    const row = await runExample(process.execPath, 'example.mjs', code!);
    // The simulator knows no PJSIP phone: Asterisk accepts the Originate, the call fails.
    expect(row).toMatchObject({ id: 1, status: 'SUCCESS', call_state: 'FAILED', call_reason: 0 });
  });

  it.skipIf(!hasPython)('the Python example queues an Originate and follows it to the end of its call', async () => {
    const [code] = blocks('python');
    const row = await runExample('python3', 'example.py', code!);
    expect(row).toMatchObject({ id: 1, status: 'SUCCESS', call_state: 'FAILED', call_reason: 0 });
  });
});
