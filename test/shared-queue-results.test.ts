import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { enqueue, insertResults, listResults } from '../src/shared/queue/index.js';
import { pruneArchive } from '../src/shared/db/queue/prune-archive.js';
import { describeEngines } from './helpers/engines.js';

describeEngines("manager_queue_results: a list action's items", (t) => {
  const item = (n: number) => ({
    event: 'CoreShowChannel',
    headers: JSON.stringify({ Event: 'CoreShowChannel', Channel: `PJSIP/${n}`, ChanVariable: ['A=1', 'B=é'] }),
  });

  it('insertResults numbers the items 1..n in order; listResults reads them back in that order, per row', async () => {
    const a = await enqueue(t.db, { action: 'CoreShowChannels' });
    const b = await enqueue(t.db, { action: 'Status' });
    await insertResults(
      t.db,
      a,
      Array.from({ length: 450 }, (_, i) => item(i + 1)),
    );
    await insertResults(t.db, b, [item(9)]);
    const rows = await listResults(t.db, a);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(JSON.parse(rows[449]!.headers)).toEqual({ Event: 'CoreShowChannel', Channel: 'PJSIP/450', ChanVariable: ['A=1', 'B=é'] });
    expect((await listResults(t.db, b)).map((r) => [Number(r.queue_id), r.event])).toEqual([[b, 'CoreShowChannel']]);
    await expect(insertResults(t.db, b, [item(10)])).rejects.toThrow(); // (queue_id, seq) is the key: a row's items are written once
  });

  it('plain SQL reads them (reporting): count per row and one header', async () => {
    const a = await enqueue(t.db, { action: 'CoreShowChannels' });
    await insertResults(t.db, a, [item(1), item(2)]);
    const { rows } = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM manager_queue_results WHERE queue_id = ${a}`.execute(t.db);
    expect(Number(rows[0]!.n)).toBe(2);
    const channel =
      t.engine === 'postgres'
        ? sql`headers::json->>'Channel'`
        : t.engine === 'mysql'
          ? sql`JSON_UNQUOTE(JSON_EXTRACT(headers, '$.Channel'))`
          : sql`json_extract(headers, '$.Channel')`;
    const read = await sql<{ c: string }>`SELECT ${channel} AS c FROM manager_queue_results WHERE queue_id = ${a} ORDER BY seq`.execute(t.db);
    expect(read.rows.map((r) => r.c)).toEqual(['PJSIP/1', 'PJSIP/2']);
  });
});

// Maintenance's time comparison (created-before.ts) is SQLite's today; it runs on the other engines once maintenance does.
describeEngines(
  'manager_queue_results: pruning',
  (t) => {
    const item = (n: number) => ({ event: 'CoreShowChannel', headers: JSON.stringify({ Channel: `PJSIP/${n}` }) });

    it("pruning the archive deletes the pruned rows' items and no others", async () => {
      const old = '2020-01-01T00:00:00.000Z';
      await t.db
        .insertInto('manager_queue_archive')
        .values([
          { id: 901, server: 'default', action: 'CoreShowChannels', status: 'SUCCESS', created_at: old },
          { id: 902, server: 'pbx2', action: 'CoreShowChannels', status: 'SUCCESS', created_at: old },
        ])
        .execute();
      await insertResults(t.db, 901, [item(1), item(2)]);
      await insertResults(t.db, 902, [item(3)]);
      expect(await pruneArchive(t.db, 'default', '2021-01-01T00:00:00.000Z', 10)).toBe(1);
      expect(await listResults(t.db, 901)).toEqual([]);
      expect(await listResults(t.db, 902)).toHaveLength(1);
    });
  },
  ['sqlite'],
);
