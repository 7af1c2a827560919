import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createClientRole, type TestClientRole } from './helpers/client-role.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';
import { startExampleWorkers } from './helpers/example-workers.js';
import { until } from './helpers/action-sender-helpers.js';

// The PostgreSQL and MySQL/MariaDB examples of docs/client-examples.md, run as written while the
// real sender and listener (server pbx1) talk to the simulator, each connected as a client role:
// a doc example that stopped working, or that needs more than the role allows, fails here.
const ROOT = new URL('..', import.meta.url).pathname;
const DOC = readFileSync(join(ROOT, 'docs/client-examples.md'), 'utf8');
/** The `lang` code blocks under the `### <heading>…` section. */
function blocks(heading: string, lang: string): string[] {
  const start = DOC.indexOf(`\n### ${heading}`);
  if (start < 0) throw new Error(`docs/client-examples.md: no section "### ${heading}"`);
  const section = DOC.slice(start + 1).split(/\n##+ /)[0]!;
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].filter((m) => m[1] === lang).map((m) => m[2]!);
}
const TITLE = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' } as const;
const OPEN = ['NEW', 'SENDING', 'SENT'];

describeEngines(
  'docs/client-examples.md on the server engines',
  (t) => {
    const title = () => TITLE[t.engine as 'postgres' | 'mysql'];
    let role: TestClientRole;
    let dir = '';
    let workers: { stop(): Promise<void> };

    beforeAll(async () => {
      role = await createClientRole(t);
      dir = mkdtempSync(join(tmpdir(), 'amiq-examples-'));
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules')); // where the examples' pg / mysql2 resolve
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await role?.drop();
    });
    beforeEach(async () => {
      workers = await startExampleWorkers(t.db, 'pbx1');
    });
    afterEach(() => workers.stop());

    /** Each statement on a plain driver connection as the client role, no amiq code. */
    async function runSql(script: string): Promise<void> {
      const statements = script.split(/;[ \t]*\n/).filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');
      if (t.engine === 'postgres') {
        const c = new pg.Client({ connectionString: role.url });
        await c.connect();
        try {
          for (const s of statements) await c.query(s);
        } finally {
          await c.end();
        }
      } else {
        const c = await mysql.createConnection({ uri: role.url });
        try {
          for (const s of statements) await c.query(s);
        } finally {
          await c.end();
        }
      }
    }

    it('the SQL statements insert rows the sender accepts and cancel the scheduled one', async () => {
      const [script] = blocks(`${title()}: SQL`, 'sql');
      await runSql(script!);
      const settled = await until(async () => {
        const now = await t.db.selectFrom('manager_queue').select(['id', 'server', 'action', 'status', 'message']).orderBy('id').execute();
        return now.length === 4 && now.every((r) => !OPEN.includes(r.status)) ? now : null;
      }, 'the example rows to settle');
      expect(settled!.map((r) => [r.id, r.server, r.action, r.status])).toEqual([
        [1, 'pbx1', 'Originate', 'SUCCESS'],
        [2, 'pbx1', 'Originate', 'CANCELLED'],
        [3, 'pbx1', 'Redirect', 'FAILED'], // the channel does not exist on the simulator
        [4, 'pbx1', 'Hangup', 'FAILED'],
      ]);
      expect(settled![3]!.message).toMatch(/no Originate row has this callerid/);
      const times = await t.db.selectFrom('manager_queue').select(['created_at', 'not_before', 'expires_at']).where('id', '=', 2).executeTakeFirstOrThrow();
      const hour = Date.parse(times.not_before!) - Date.parse(times.created_at);
      expect(Math.abs(hour - 3_600_000)).toBeLessThan(60_000); // the times are UTC on both engines: one hour ahead, not a zone's offset
      expect(Date.parse(times.expires_at!) - Date.parse(times.not_before!)).toBe(300_000);
    });

    it('the Node example queues an Originate and follows it to the end of its call', async () => {
      const [code] = blocks(`${title()}: Node`, 'js');
      writeFileSync(join(dir, 'example.mjs'), code!);
      const child = spawn(process.execPath, ['example.mjs'], {
        cwd: dir,
        env: { ...process.env, AMIQ_DATABASE_URL: role.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(exit, err).toBe(0);
      const row = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
      // The simulator knows no PJSIP phone: Asterisk accepts the Originate, the call fails.
      expect(row).toMatchObject({ status: 'SUCCESS', call_state: 'FAILED', call_reason: 0 });
      const stored = await t.db
        .selectFrom('manager_queue')
        .select(['server', 'tag', 'expires_at', 'created_at'])
        .where('id', '=', Number(row['id']))
        .executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ server: 'pbx1', tag: 'crm:lead-4711' });
      expect(Math.abs(Date.parse(stored.expires_at!) - Date.parse(stored.created_at) - 120_000)).toBeLessThan(60_000); // the Date went in as UTC
    });
  },
  SERVER_ENGINES,
);
