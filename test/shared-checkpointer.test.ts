import { statSync, unlinkSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqlite, shareCheckpointer, startCheckpointer } from '../src/shared/db/index.js';
import { tempDb, type TempDb } from './helpers/shared-helpers.js';

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const autocheckpoint = (d: TempDb): number => Number(d.sqlite.pragma('wal_autocheckpoint', { simple: true }));

/** Appends `pages` rows of one 4 KB page each, one transaction per row. */
function writePages(d: TempDb, pages: number): void {
  const insert = d.sqlite.prepare('INSERT INTO pages (b) VALUES (?)');
  for (let i = 0; i < pages; i++) insert.run(Buffer.alloc(4000, i));
}

describe('startCheckpointer', () => {
  it('takes the checkpoints off the connection’s commits, copies the WAL back on its thread, and gives them back on close', async () => {
    t = await tempDb('amiq-ckpt-');
    t.sqlite.exec('CREATE TABLE pages (b BLOB)');
    const cp = startCheckpointer(t.sqlite, { intervalMs: 5 });
    expect(await cp.ready).toBe(true);
    expect(autocheckpoint(t)).toBe(0);
    const before = statSync(t.path).size;
    writePages(t, 1500);
    // The commits no longer checkpoint, so only the thread can have put the rows in the file.
    await vi.waitFor(() => expect(statSync(t!.path).size - before).toBeGreaterThan(1500 * 4000), { timeout: 10_000, interval: 10 });
    await cp.close();
    expect(autocheckpoint(t)).toBe(1000);
  });

  it('starts the WAL over once it passes restartPages, though the writer never stops', async () => {
    t = await tempDb('amiq-ckpt-');
    t.sqlite.exec('CREATE TABLE pages (b BLOB)');
    const cp = startCheckpointer(t.sqlite, { intervalMs: 5, restartPages: 100 });
    expect(await cp.ready).toBe(true);
    for (let round = 0; round < 20; round++) {
      const size = statSync(t.path).size;
      writePages(t, 100);
      await vi.waitFor(() => expect(statSync(t!.path).size).toBeGreaterThan(size), { timeout: 10_000, interval: 5 });
    }
    // 2,000 commits went through the WAL: never restarted it reached 22 MB. Restarted whenever
    // the writer left a gap, it was reused from its start.
    expect(statSync(`${t.path}-wal`).size).toBeLessThan(8 * 1024 * 1024);
    await cp.close();
  });

  it('leaves the checkpoints to the commits when its thread cannot open the database', async () => {
    t = await tempDb('amiq-ckpt-');
    const warn = vi.fn();
    unlinkSync(t.path);
    const cp = startCheckpointer(t.sqlite, { logger: { warn } as never });
    expect(await cp.ready).toBe(false);
    await cp.close();
    expect(autocheckpoint(t)).toBe(1000);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ path: t.path }), expect.stringContaining('checkpointer thread failed'));
  });

  it('does nothing for an in-memory database', async () => {
    const h = openSqlite(':memory:');
    const cp = startCheckpointer(h.sqlite);
    expect(await cp.ready).toBe(false);
    await cp.close();
    await h.close();
  });
});

describe('shareCheckpointer', () => {
  it('runs one thread for every worker on a handle: the first to stop leaves the checkpoints off the commits, the last gives them back', async () => {
    t = await tempDb('amiq-ckpt-');
    const listener = shareCheckpointer(t.sqlite, { intervalMs: 5 });
    const http = shareCheckpointer(t.sqlite, { intervalMs: 5 });
    expect(http.ready).toBe(listener.ready);
    expect(await http.ready).toBe(true);
    expect(autocheckpoint(t)).toBe(0);
    await listener.close();
    await listener.close();
    expect(autocheckpoint(t)).toBe(0);
    await http.close();
    expect(autocheckpoint(t)).toBe(1000);
    // A later worker starts a thread of its own again.
    const again = shareCheckpointer(t.sqlite, { intervalMs: 5 });
    expect(await again.ready).toBe(true);
    expect(autocheckpoint(t)).toBe(0);
    await again.close();
    expect(autocheckpoint(t)).toBe(1000);
  });
});
