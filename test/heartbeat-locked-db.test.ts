import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectPromptReplies, spawnHeartbeat, startProber, type Prober } from './helpers/heartbeat-prober.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

// The heartbeat's beat was a synchronous write with a 5 s busy timeout on the event loop that
// answers UDP: with the database locked, replies waited 2-5 s. Spawns the built CLI.
const LOCK_MS = 3_000;

let t: TestDb;
let dir: string;
let probe: Prober;
beforeEach(async () => {
  t = await openTestDb();
  dir = mkdtempSync(join(tmpdir(), 'amiq-heartbeat-lock-'));
  probe = await startProber();
});
afterEach(async () => {
  await probe.close();
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('heartbeat with the database write-locked by another process', () => {
  it('answers every request at once; its beats are skipped while locked and written after', { timeout: 20_000 }, async () => {
    const hb = await spawnHeartbeat({ dir, dbPath: t.path, replyPort: probe.replyPort });
    try {
      const other = new BetterSqlite3(t.path);
      other.exec('BEGIN IMMEDIATE');
      const lockedAt = new Date().toISOString();
      probe.start(hb.port);
      await new Promise((r) => setTimeout(r, LOCK_MS));
      const latencies = await probe.stop();
      other.exec('COMMIT');
      other.close();
      expectPromptReplies(latencies, LOCK_MS);
      // Skipped beats are retried: a fresh one lands soon after the lock is gone.
      const unlockedAt = new Date().toISOString();
      const deadline = Date.now() + 5_000;
      let beat = '';
      while (Date.now() < deadline) {
        const row = await t.db.selectFrom('workers').select(['beat_at', 'counters']).where('name', '=', 'heartbeat').executeTakeFirstOrThrow();
        beat = row.beat_at;
        if (beat >= unlockedAt) {
          expect(JSON.parse(row.counters).beats_skipped).toBeGreaterThan(0);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(beat >= unlockedAt, `last beat ${beat}, lock ${lockedAt} .. ${unlockedAt}`).toBe(true);
    } finally {
      await hb.stop();
    }
  });
});
