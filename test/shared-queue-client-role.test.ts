import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, printClientRole } from '../src/cli/commands/init.js';
import { AmiqClient } from '../src/client/index.js';
import { openDatabase, type AmiqDatabase, type Database } from '../src/shared/db/index.js';
import { clientRoleUrl, dropClientRole, newClientRoleName } from './helpers/client-role.js';
import { ADMIN_URLS, describeEngines, SERVER_ENGINES } from './helpers/engines.js';

/*
 * The client role of `amiq init --client-role` on each server engine: it inserts the client
 * columns, reads outcomes and cancels a NEW row, and can do nothing else to a row; the workers'
 * own user (here the owner that migrated) keeps every right.
 */
describeEngines(
  'client role: clients write only their columns',
  (t) => {
    const { name: role, password } = newClientRoleName();
    let dir = '';
    let client: AmiqDatabase;
    const cdb = (): Kysely<Database> => client.db;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'amiq-role-'));
      writeFileSync(join(dir, 'amiq.toml'), `[database]\nurl = "${t.url}"\n`);
      const lines: string[] = [];
      await init({ config: join(dir, 'amiq.toml'), clientRole: role, passwordEnv: 'ROLE_PW', env: { ROLE_PW: password } }, (l) => lines.push(l));
      expect(lines.at(-1)).toBe(`client role ${role}: may insert the client columns, read outcomes and cancel NEW rows`);
      client = await openDatabase({ url: clientRoleUrl(t, role, password), path: '' });
    });
    afterAll(async () => {
      await client?.close();
      rmSync(dir, { recursive: true, force: true });
      await dropClientRole(t, role);
    });

    const insert = async (row: Record<string, unknown>): Promise<number> => {
      const r = await cdb()
        .insertInto('manager_queue')
        .values({ action: 'Ping', ...row } as never)
        .executeTakeFirstOrThrow();
      return Number(r.insertId ?? (await sql<{ id: number }>`SELECT max(id) AS id FROM manager_queue`.execute(cdb())).rows[0]!.id);
    };
    const statusOf = async (id: number) => await t.db.selectFrom('manager_queue').select(['status', 'message']).where('id', '=', id).executeTakeFirstOrThrow();
    const refused = async (p: Promise<unknown>): Promise<string> => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'expected the database to refuse').toBeInstanceOf(Error);
      return (err as Error).message;
    };
    const cancel = (id: number) =>
      sql`UPDATE manager_queue SET status = 'CANCELLED', message = 'cancelled by the client' WHERE id = ${id} AND status = 'NEW'`.execute(cdb());

    it('inserts a row with every client column, and amiq/client works under the role', async () => {
      const id = await insert({
        server: 'pbx1',
        action: 'Originate',
        channel: 'PJSIP/2001',
        callerid: 'C-1',
        params: '{"Exten":"100","Context":"default"}',
        priority: 5,
        not_before: '2026-12-06T10:00:00.000Z',
        expires_at: '2026-12-06T10:05:00.000Z',
        tag: 'crm',
      });
      const row = await t.db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ server: 'pbx1', action: 'Originate', channel: 'PJSIP/2001', callerid: 'C-1', priority: 5, tag: 'crm', status: 'NEW' });
      const amiq = new AmiqClient(cdb(), { server: 'pbx1' });
      const o = await amiq.originate({ channel: 'PJSIP/2002', exten: '100', context: 'default' });
      expect((await amiq.get(o))?.status).toBe('NEW');
      expect(await amiq.cancel(o)).toBe(true);
    });

    it('cannot write a worker column when inserting (status, sent_at, response)', async () => {
      for (const row of [{ status: 'SENT' }, { sent_at: '2026-12-06T10:00:00.000Z' }, { response: 'Success' }, { call_state: 'UP' }]) {
        expect(await refused(insert(row))).toMatch(/denied/i);
      }
      expect(Number((await sql<{ n: number }>`SELECT count(*) AS n FROM manager_queue`.execute(t.db)).rows[0]!.n)).toBe(0);
    });

    it('cannot update a worker column or set another status on a NEW row', async () => {
      const id = await insert({});
      expect(await refused(sql`UPDATE manager_queue SET sent_at = ${'2026-12-06T10:00:00.000Z'} WHERE id = ${id}`.execute(cdb()))).toMatch(/denied/i);
      expect(await refused(sql`UPDATE manager_queue SET response = 'Success' WHERE id = ${id}`.execute(cdb()))).toMatch(/denied/i);
      for (const status of ['SENT', 'SENDING', 'SUCCESS', 'NEW']) {
        expect(await refused(sql`UPDATE manager_queue SET status = ${status} WHERE id = ${id}`.execute(cdb()))).toMatch(/row-level security|NEW to CANCELLED/);
      }
      expect(await statusOf(id)).toMatchObject({ status: 'NEW' });
    });

    it('cancels a NEW row; cannot cancel a SENT row nor un-cancel', async () => {
      const id = await insert({});
      expect(Number((await cancel(id)).numAffectedRows)).toBe(1);
      expect(await statusOf(id)).toEqual({ status: 'CANCELLED', message: 'cancelled by the client' });
      const back = sql`UPDATE manager_queue SET status = 'NEW' WHERE id = ${id}`.execute(cdb());
      if (t.engine === 'postgres')
        expect(Number((await back).numAffectedRows)).toBe(0); // the policy hides a row that is not NEW
      else expect(await refused(back)).toMatch(/NEW to CANCELLED/);
      expect((await statusOf(id)).status).toBe('CANCELLED');

      const sent = await insert({});
      await t.db.updateTable('manager_queue').set({ status: 'SENT', message: null }).where('id', '=', sent).execute(); // the workers' user
      expect(Number((await cancel(sent)).numAffectedRows)).toBe(0);
      const forced = sql`UPDATE manager_queue SET status = 'CANCELLED' WHERE id = ${sent}`.execute(cdb());
      if (t.engine === 'postgres') expect(Number((await forced).numAffectedRows)).toBe(0);
      else expect(await refused(forced)).toMatch(/NEW to CANCELLED/);
      expect((await statusOf(sent)).status).toBe('SENT');
    });

    it('reads outcomes: the queue, its list results and the archive; cannot delete', async () => {
      const id = await insert({ action: 'CoreShowChannels' });
      await t.db.updateTable('manager_queue').set({ status: 'SUCCESS', response: 'Success' }).where('id', '=', id).execute();
      await t.db
        .insertInto('manager_queue_results')
        .values({ queue_id: id, seq: 1, event: 'CoreShowChannel', headers: '{"Channel":"PJSIP/2001-00000001"}' })
        .execute();
      expect(await cdb().selectFrom('manager_queue').select(['status', 'response']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
        status: 'SUCCESS',
        response: 'Success',
      });
      expect((await cdb().selectFrom('manager_queue_results').select('event').where('queue_id', '=', id).execute()).map((r) => r.event)).toEqual([
        'CoreShowChannel',
      ]);
      expect(await cdb().selectFrom('manager_queue_archive').select('id').execute()).toEqual([]);
      expect(await refused(cdb().deleteFrom('manager_queue').where('id', '=', id).execute())).toMatch(/denied/i);
      expect(await refused(cdb().selectFrom('workers').selectAll().execute())).toMatch(/denied/i);
    });

    it("the workers' own user still takes a client's row through every status", async () => {
      const id = await insert({});
      for (const status of ['SENDING', 'SENT', 'SUCCESS'] as const) {
        await t.db.updateTable('manager_queue').set({ status }).where('id', '=', id).execute();
      }
      expect((await statusOf(id)).status).toBe('SUCCESS');
    });

    it("a workers' user that is neither owner nor superuser keeps every right on every row", async () => {
      const { name: w } = newClientRoleName();
      if (t.engine === 'postgres') {
        await sql.raw(`CREATE ROLE "${w}" LOGIN PASSWORD 'x'`).execute(t.db);
        await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${w}"`).execute(t.db);
        await sql.raw(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "${w}"`).execute(t.db);
      } else {
        await sql.raw(`CREATE USER '${w}'@'%' IDENTIFIED BY 'x'`).execute(t.db);
        await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${new URL(t.url).pathname.slice(1)}.* TO '${w}'@'%'`).execute(t.db);
      }
      const worker = await openDatabase({ url: clientRoleUrl(t, w, 'x'), path: '' });
      try {
        const id = await insert({});
        for (const status of ['SENDING', 'SENT', 'SUCCESS'] as const) {
          const r = await worker.db.updateTable('manager_queue').set({ status, response: 'Success' }).where('id', '=', id).executeTakeFirstOrThrow();
          expect(Number(r.numUpdatedRows)).toBe(1);
        }
        expect((await statusOf(id)).status).toBe('SUCCESS');
      } finally {
        await worker.close();
        await dropClientRole(t, w);
      }
    });
  },
  SERVER_ENGINES,
);

describe('amiq init client role: bad input', () => {
  it('SQLite has no roles: exit 2, saying file permissions are the control, before creating the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiq-role-'));
    try {
      writeFileSync(join(dir, 'amiq.toml'), `[database]\npath = "${join(dir, 'amiq.db')}"\n`);
      let err: unknown;
      try {
        printClientRole({ config: join(dir, 'amiq.toml'), name: 'crm' }, () => undefined);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ exitCode: 2, message: expect.stringMatching(/SQLite has no roles.*file permissions/) });
      const creating = init({ config: join(dir, 'amiq.toml'), clientRole: 'crm', passwordEnv: 'PW', env: { PW: 'x' } }, () => undefined);
      await expect(creating).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/SQLite has no roles/) });
      expect(existsSync(join(dir, 'amiq.db')), 'refused before the database is created').toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a role name that is not a plain identifier, or no password variable, is refused before anything is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiq-role-'));
    try {
      writeFileSync(join(dir, 'amiq.toml'), `[database]\nurl = "${ADMIN_URLS.postgres}"\n`);
      const config = join(dir, 'amiq.toml');
      expect(() => printClientRole({ config, name: "crm'; DROP TABLE x" }, () => undefined)).toThrow(/client role .*must match/);
      await expect(init({ config, clientRole: 'crm' }, () => undefined)).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(/--password-env/),
      });
      await expect(init({ config, clientRole: 'crm', passwordEnv: 'NOPE', env: {} }, () => undefined)).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(/NOPE.*not set/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
