import type BetterSqlite3 from 'better-sqlite3';
import { startCheckpointer, type Checkpointer, type CheckpointerOptions } from './checkpointer.js';

const running = new WeakMap<BetterSqlite3.Database, { checkpointer: Checkpointer; users: number }>();

/**
 * One checkpoint thread per SQLite handle, however many workers of a process write through it
 * (`amiq start` runs them all on one handle): two threads would fight over the handle's
 * wal_autocheckpoint, the first to stop turning it back on under the other. The first user
 * starts the thread, the last one's close stops it.
 */
export function shareCheckpointer(sqlite: BetterSqlite3.Database, opts: CheckpointerOptions = {}): Checkpointer {
  let entry = running.get(sqlite);
  if (entry === undefined) {
    entry = { checkpointer: startCheckpointer(sqlite, opts), users: 0 };
    running.set(sqlite, entry);
  }
  const mine = entry;
  mine.users++;
  let closed = false;
  return {
    ready: mine.checkpointer.ready,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--mine.users > 0) return;
      running.delete(sqlite);
      await mine.checkpointer.close();
    },
  };
}
